package com.example.orders.management;

/** JMX view of the order intake. */
public interface OrderMetricsMBean {

    long getPlaced();

    long getCancelled();

    void reset();
}
