package com.example.orders.rest;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.example.orders.model.OrderStatus;
import com.example.orders.model.OrderSummary;
import com.example.orders.service.OrderService;

@Path("/orders")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    @Inject
    private OrderService orders;

    @GET
    public List<OrderSummary> list(@QueryParam("status") @DefaultValue("NEW") String status) {
        return orders.withStatus(OrderStatus.valueOf(status)).stream().map(OrderSummary::of).toList();
    }

    @GET
    @Path("{id}")
    public OrderSummary get(@PathParam("id") long id) {
        return orders.find(id).map(OrderSummary::of).orElseThrow(NotFoundException::new);
    }

    /** The same document as get(), pretty-printed for people (JSON-B directly, not via JAX-RS). */
    @GET
    @Path("{id}/pretty")
    @Produces(MediaType.TEXT_PLAIN)
    public String pretty(@PathParam("id") long id) throws Exception {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            return jsonb.toJson(get(id));
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response place(@FormParam("customer") @NotBlank String customer,
                          @FormParam("sku") @NotBlank String sku,
                          @FormParam("quantity") @Min(1) int quantity,
                          @FormParam("unitPrice") String unitPrice,
                          @FormParam("discount") String discount) {
        var order = orders.place(customer, sku, quantity, new BigDecimal(unitPrice), discount);
        return Response.created(URI.create("orders/" + order.getId())).entity(OrderSummary.of(order)).build();
    }

    @DELETE
    @Path("{id}")
    public Response cancel(@PathParam("id") long id) {
        Response.Status status = orders.cancel(id) ? Response.Status.NO_CONTENT : Response.Status.CONFLICT;
        return Response.status(status).build();
    }
}
