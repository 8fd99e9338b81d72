package com.example.orders.messaging;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import com.example.orders.service.OrderService;

/** Payment events from the payment provider, one JSON document per message. */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "java:app/jms/PaymentQueue"),
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue")
})
public class OrderEventListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(OrderEventListener.class.getName());

    /** A payment event as the provider sends it. */
    public record PaymentEvent(long orderId, String outcome) {
    }

    private final Jsonb jsonb = JsonbBuilder.create();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor();

    @Inject
    private OrderService orders;

    @Override
    public void onMessage(Message message) {
        if (!(message instanceof TextMessage text)) {
            LOG.warning(() -> "ignoring " + message);
            return;
        }
        try {
            PaymentEvent event = jsonb.fromJson(text.getText(), PaymentEvent.class);
            switch (event.outcome()) {
                case "failed", "expired" -> orders.cancel(event.orderId());
                case "paid" -> notifier.submit(() -> LOG.info(() -> "paid: " + event.orderId()));
                default -> LOG.warning(() -> "unknown outcome " + event.outcome());
            }
        } catch (JMSException e) {
            LOG.log(Level.SEVERE, "unreadable payment event", e);
        }
    }

    @PreDestroy
    void close() throws Exception {
        notifier.shutdownNow();
        notifier.awaitTermination(5, TimeUnit.SECONDS);
        jsonb.close();
    }
}
