package com.other;

@Stateless
public class NoImport {
    private javax.naming.InitialContext initial;

    void run() {
        javax.naming.InitialContext found = new javax.naming.InitialContext();
    }
}
