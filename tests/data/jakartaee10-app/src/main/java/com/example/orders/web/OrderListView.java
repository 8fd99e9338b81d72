package com.example.orders.web;

import java.io.Serializable;
import java.util.List;

import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.example.orders.model.CustomerOrder;
import com.example.orders.model.OrderStatus;
import com.example.orders.service.OrderService;

/** Backing bean of index.xhtml: the open orders. */
@Named
@ViewScoped
public class OrderListView implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    private OrderService orders;

    private List<CustomerOrder> open;

    @PostConstruct
    void load() {
        open = orders.withStatus(OrderStatus.NEW);
    }

    public List<CustomerOrder> getOpen() {
        return open;
    }
}
