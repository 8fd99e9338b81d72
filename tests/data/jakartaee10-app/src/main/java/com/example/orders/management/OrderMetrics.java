package com.example.orders.management;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

/** Counters published as an MBean for the operations dashboard. */
@Singleton
@Startup
public class OrderMetrics implements OrderMetricsMBean {

    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private ObjectName name;

    @PostConstruct
    void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            name = new ObjectName("com.example.orders:type=OrderMetrics");
            if (!server.isRegistered(name)) {
                server.registerMBean(this, name);
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the order metrics", e);
        }
    }

    @PreDestroy
    void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            // already gone: nothing to do on shutdown
        }
    }

    public void orderPlaced() {
        placed.incrementAndGet();
    }

    public void orderCancelled() {
        cancelled.incrementAndGet();
    }

    @Override
    public long getPlaced() {
        return placed.get();
    }

    @Override
    public long getCancelled() {
        return cancelled.get();
    }

    @Override
    public void reset() {
        placed.set(0);
        cancelled.set(0);
    }
}
