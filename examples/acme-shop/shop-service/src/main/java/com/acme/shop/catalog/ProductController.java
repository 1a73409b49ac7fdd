package com.acme.shop.catalog;

import com.acme.shop.common.Money;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/products")
public class ProductController {

    private final CatalogService catalogService;

    public ProductController(CatalogService catalogService) {
        this.catalogService = catalogService;
    }

    public record CreateProductRequest(String sku, String name, String category, String price, String currency) {
    }

    public record PriceUpdate(String price, String currency) {
    }

    @GetMapping("/{id}")
    public Product getProduct(@PathVariable long id) {
        return catalogService.getProduct(id);
    }

    @GetMapping
    public List<Product> search(@RequestParam("q") String query) {
        return catalogService.search(query);
    }

    @PostMapping
    public ResponseEntity<Product> createProduct(@RequestBody CreateProductRequest request) {
        Money price = Money.parse(request.price(), request.currency());
        Product created = catalogService.createProduct(request.sku(), request.name(), request.category(), price);
        return ResponseEntity.created(URI.create("/api/products/" + created.getId())).body(created);
    }

    @PutMapping("/{id}/price")
    public Product updatePrice(@PathVariable long id, @RequestBody PriceUpdate update) {
        Money price = Money.parse(update.price(), update.currency());
        return catalogService.updatePrice(id, price);
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> deactivate(@PathVariable long id) {
        catalogService.deactivateProduct(id);
        return ResponseEntity.noContent().build();
    }
}
