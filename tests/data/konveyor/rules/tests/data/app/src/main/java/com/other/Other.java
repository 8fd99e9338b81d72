package com.other;

import com.other.model.Stateless;

// A comment naming javax.ejb.Stateless must not count, nor new javax.naming.InitialContext().
@Stateless
public class Other {
    private String text = "javax.ejb.Stateless and javax.naming.InitialContext";

    void go(Stateless bean, InitialContext initial) {
        bean.lookup("x");
        initial.lookup("y");
    }
}
