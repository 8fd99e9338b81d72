package com.example.orders.model;

import java.math.BigDecimal;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** What the REST API returns for an order (JSON-B maps record components since Jakarta JSON Binding 3.0). */
@JsonbPropertyOrder({"id", "customer", "status", "total"})
public record OrderSummary(
        long id,
        String customer,
        @JsonbProperty("state") String status,
        BigDecimal total) {

    public static OrderSummary of(CustomerOrder order) {
        return new OrderSummary(order.getId(), order.getCustomer(), order.getStatus().label(), order.getTotal());
    }
}
