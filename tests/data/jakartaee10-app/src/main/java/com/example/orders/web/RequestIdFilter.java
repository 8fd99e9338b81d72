package com.example.orders.web;

import java.io.IOException;
import java.util.logging.Logger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/** Tags every response with the container's request id (Servlet 6.0) and remembers the shop's tenant cookie. */
@WebFilter(filterName = "RequestIdFilter", urlPatterns = "/*")
public class RequestIdFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(RequestIdFilter.class.getName());

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Request-Id", request.getRequestId());
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if ("tenant".equals(cookie.getName())) {
                    HttpSession session = request.getSession();
                    session.setAttribute("tenant", cookie.getValue());
                }
            }
        }
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            LOG.fine(() -> request.getMethod() + " " + request.getRequestURI() + " took "
                    + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }
}
