package com.example.orders.model;

import java.math.BigDecimal;
import java.time.Instant;

import javax.annotation.processing.Generated;

import jakarta.persistence.metamodel.SingularAttribute;
import jakarta.persistence.metamodel.StaticMetamodel;

/** JPA static metamodel, as an annotation processor writes it (JDK's javax.annotation.processing.Generated). */
@Generated("org.hibernate.jpamodelgen.JPAMetaModelEntityProcessor")
@StaticMetamodel(CustomerOrder.class)
public abstract class CustomerOrder_ {

    public static volatile SingularAttribute<CustomerOrder, Long> id;
    public static volatile SingularAttribute<CustomerOrder, String> customer;
    public static volatile SingularAttribute<CustomerOrder, BigDecimal> total;
    public static volatile SingularAttribute<CustomerOrder, OrderStatus> status;
    public static volatile SingularAttribute<CustomerOrder, Instant> createdAt;

    public static final String STATUS = "status";
}
