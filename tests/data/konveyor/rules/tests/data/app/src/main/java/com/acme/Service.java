package com.acme;

import javax.ejb.Stateless;
import javax.ejb.TransactionAttribute;
import javax.jms.*;
import static org.acme.util.Helpers.helper;

@Stateless(name = "svc", mappedName = "ejb/Service")
public class Service extends javax.ejb.SessionBeanBase implements javax.ejb.SessionBean {

    private javax.naming.Context context;
    private Queue queue;

    @TransactionAttribute(javax.ejb.TransactionAttributeType.REQUIRED)
    public javax.naming.InitialContext lookup(String name) throws Exception {
        javax.naming.InitialContext initial = new javax.naming.InitialContext();
        Object found = initial.lookup(name);
        context.lookup(name);
        helper();
        return initial;
    }
}
