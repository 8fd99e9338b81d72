package com.example.orders.model;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Entity
@Table(name = "CUSTOMER_ORDER")
@NamedQuery(name = CustomerOrder.BY_STATUS,
            query = "SELECT o FROM CustomerOrder o WHERE o.status = :status ORDER BY o.createdAt")
public class CustomerOrder {

    public static final String BY_STATUS = "CustomerOrder.byStatus";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @NotBlank
    @Size(max = 80)
    private String customer;

    @NotNull
    @Pattern(regexp = "[A-Z]{3}-\\d{4}")
    @Column(length = 8, nullable = false)
    private String sku;

    @Min(1)
    private int quantity;

    @NotNull
    @DecimalMin("0.00")
    @Column(precision = 10, scale = 2, nullable = false)
    private BigDecimal total;

    @Enumerated(EnumType.STRING)
    @Column(length = 12, nullable = false)
    private OrderStatus status = OrderStatus.NEW;

    private Instant createdAt;

    @Version
    private int version;

    protected CustomerOrder() {
        // for JPA
    }

    public CustomerOrder(String customer, String sku, int quantity, BigDecimal total) {
        this.customer = customer;
        this.sku = sku;
        this.quantity = quantity;
        this.total = total;
    }

    @PrePersist
    void stamp() {
        createdAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public String getCustomer() {
        return customer;
    }

    public String getSku() {
        return sku;
    }

    public int getQuantity() {
        return quantity;
    }

    public BigDecimal getTotal() {
        return total;
    }

    public OrderStatus getStatus() {
        return status;
    }

    public void setStatus(OrderStatus status) {
        this.status = status;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
