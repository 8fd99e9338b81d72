package com.acme;

import javax.ejb.*;

@MessageDriven
public interface Listener extends javax.jms.MessageListener {
}

@Stateful
class Cart implements Listener {
    void save(Queue queue) {
        TimerService timers = null;
        timers.createTimer(1000L, "tick");
    }
}
