package com.example.orders.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Daily CSV report for accounting; plain JDBC so that it reads the table as it is. */
@WebServlet(name = "ReportServlet", urlPatterns = "/reports/daily.csv")
public class ReportServlet extends HttpServlet {

    private static final long serialVersionUID = 2L;

    private static final String DAILY = """
            SELECT id, customer, status, total
              FROM CUSTOMER_ORDER
             WHERE createdAt >= ? AND createdAt < ?
             ORDER BY id
            """;

    @Resource(lookup = "java:comp/DefaultDataSource")
    private transient DataSource dataSource;

    @Override
    public void init() throws ServletException {
        if (dataSource != null) {
            return;
        }
        try {
            dataSource = (DataSource) new InitialContext().lookup("java:comp/env/jdbc/OrdersDS");
        } catch (NamingException e) {
            throw new ServletException("no data source for the report", e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        LocalDate day = request.getParameter("day") == null
                ? LocalDate.now(ZoneOffset.UTC)
                : LocalDate.parse(request.getParameter("day"));
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"orders-" + day + ".csv\"");
        PrintWriter out = response.getWriter();
        out.println("id;customer;status;total");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(DAILY)) {
            statement.setTimestamp(1, Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant()));
            statement.setTimestamp(2, Timestamp.from(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.printf("%d;%s;%s;%s%n", rows.getLong(1), rows.getString(2).replace(';', ','),
                            rows.getString(3), rows.getBigDecimal(4));
                }
            }
        } catch (SQLException e) {
            log("daily report failed", e);
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }
}
