package com.example.orders.model;

/** Where an order is in its life; the label is what the daily report prints. */
public enum OrderStatus {
    NEW,
    PAID,
    SHIPPED,
    CANCELLED;

    public String label() {
        return switch (this) {
            case NEW -> "new";
            case PAID -> "paid";
            case SHIPPED -> "shipped";
            case CANCELLED -> "cancelled";
        };
    }

    public boolean isOpen() {
        return this == NEW || this == PAID;
    }
}
