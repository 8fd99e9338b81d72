package com.example.orders.service;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import com.example.orders.model.CustomerOrder;
import com.example.orders.model.OrderStatus;

@Stateless
public class OrderService {

    @PersistenceContext(unitName = "ordersPU")
    private EntityManager em;

    @Resource
    private SessionContext context;

    @Inject
    private PriceCalculator prices;

    public CustomerOrder place(String customer, String sku, int quantity, BigDecimal unitPrice, String discount) {
        BigDecimal total = prices.total(unitPrice, quantity, prices.parse(discount));
        CustomerOrder order = new CustomerOrder(customer, sku, quantity, total);
        em.persist(order);
        return order;
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<CustomerOrder> find(long id) {
        return Optional.ofNullable(em.find(CustomerOrder.class, Long.valueOf(id)));
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<CustomerOrder> withStatus(OrderStatus status) {
        return em.createNamedQuery(CustomerOrder.BY_STATUS, CustomerOrder.class)
                .setParameter("status", status)
                .getResultList();
    }

    public boolean cancel(long id) {
        return find(id).filter(order -> order.getStatus().isOpen()).map(order -> {
            order.setStatus(OrderStatus.CANCELLED);
            return Boolean.TRUE;
        }).orElse(Boolean.FALSE);
    }

    /** Who asked, for the audit log (EJB 4.0: getCallerPrincipal, not getCallerIdentity). */
    public String caller() {
        return context.getCallerPrincipal().getName();
    }
}
