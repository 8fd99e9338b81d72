package com.example.orders.service;

import java.math.BigDecimal;
import java.math.RoundingMode;

import jakarta.enterprise.context.ApplicationScoped;

/** Prices an order line; discounts are a closed set of kinds. */
@ApplicationScoped
public class PriceCalculator {

    public sealed interface Discount permits Percent, Fixed, None {
    }

    public record Percent(int percent) implements Discount {
        public Percent {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("percent out of range: " + percent);
            }
        }
    }

    public record Fixed(BigDecimal amount) implements Discount {
    }

    public record None() implements Discount {
    }

    public BigDecimal total(BigDecimal unitPrice, int quantity, Discount discount) {
        BigDecimal gross = unitPrice.multiply(BigDecimal.valueOf(quantity));
        BigDecimal net;
        if (discount instanceof Percent p) {
            net = gross.subtract(gross.multiply(BigDecimal.valueOf(p.percent())).divide(BigDecimal.valueOf(100)));
        } else if (discount instanceof Fixed f) {
            net = gross.subtract(f.amount()).max(BigDecimal.ZERO);
        } else {
            net = gross;
        }
        return net.setScale(2, RoundingMode.HALF_UP);
    }

    /** Parses "10%" or "2.50" as typed in the back office. */
    public Discount parse(String text) {
        if (text == null || text.isBlank()) {
            return new None();
        }
        String value = text.strip();
        if (value.endsWith("%")) {
            return new Percent(Integer.valueOf(value.substring(0, value.length() - 1)));
        }
        return new Fixed(new BigDecimal(value));
    }
}
