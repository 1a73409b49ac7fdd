package com.acme.shop.catalog;

import com.acme.shop.common.BusinessRuleException;
import com.acme.shop.common.Money;
import com.acme.shop.common.NotFoundException;
import com.acme.shop.common.SkuValidator;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Manages the product catalog.
 *
 * @author Priya Raman <priya.raman@acme-shop.example>
 */
@Service
public class CatalogService {

    /** Price changes above this percentage require the bulk repricing workflow. */
    static final int MAX_SINGLE_PRICE_CHANGE_PERCENT = 50;

    private final ProductRepository productRepository;

    public CatalogService(ProductRepository productRepository) {
        this.productRepository = productRepository;
    }

    /**
     * Registers a new product after validating its SKU and price.
     */
    @Transactional
    public Product createProduct(String sku, String name, String category, Money price) {
        if (!SkuValidator.isValid(sku)) {
            throw new BusinessRuleException("INVALID_SKU", "SKU " + sku + " fails validation");
        }
        if (productRepository.existsBySku(sku)) {
            throw new BusinessRuleException("DUPLICATE_SKU", "SKU " + sku + " already exists");
        }
        if (price.isNegative() || price.getCents() == 0) {
            throw new BusinessRuleException("INVALID_PRICE", "Price must be positive");
        }
        String normalizedCategory = category.trim().toLowerCase(Locale.ROOT);
        return productRepository.save(new Product(sku, name.trim(), normalizedCategory, price));
    }

    public Product getProduct(long id) {
        return productRepository.findById(id)
                .orElseThrow(() -> new NotFoundException("Product", id));
    }

    /**
     * Changes the price of a single product. Guard rail: a single change may not move the
     * price by more than {@value #MAX_SINGLE_PRICE_CHANGE_PERCENT} percent.
     */
    @Transactional
    public Product updatePrice(long productId, Money newPrice) {
        Product product = getProduct(productId);
        Money current = product.getPrice();
        long delta = Math.abs(newPrice.getCents() - current.getCents());
        if (delta * 100 > current.getCents() * MAX_SINGLE_PRICE_CHANGE_PERCENT) {
            throw new BusinessRuleException("PRICE_JUMP",
                    "Price change from " + current + " to " + newPrice + " exceeds guard rail");
        }
        product.setPrice(newPrice);
        return productRepository.save(product);
    }

    /**
     * Soft-deletes a product so it disappears from listings but stays referenced by old orders.
     */
    @Transactional
    public void deactivateProduct(long productId) {
        Product product = getProduct(productId);
        if (!product.isActive()) {
            return;
        }
        product.setActive(false);
        productRepository.save(product);
    }

    /**
     * Case-insensitive search over product names, only active products, sorted by name.
     */
    public List<Product> search(String query) {
        if (query == null || query.trim().length() < 2) {
            throw new BusinessRuleException("QUERY_TOO_SHORT", "Search needs at least 2 characters");
        }
        return productRepository.findByNameContainingIgnoreCase(query.trim()).stream()
                .filter(Product::isActive)
                .sorted(Comparator.comparing(Product::getName, String.CASE_INSENSITIVE_ORDER))
                .toList();
    }

    public Optional<Product> cheapestInCategory(String category) {
        List<Product> products = productRepository.findByCategoryAndActiveTrue(category);
        return products.stream().min(Comparator.comparingLong(p -> p.getPrice().getCents()));
    }

    /**
     * Applies a percentage price change (positive or negative) to every active product of a
     * category and returns the number of products touched.
     */
    @Transactional
    public int repriceCategory(String category, int percentChange) {
        if (percentChange <= -100) {
            throw new BusinessRuleException("INVALID_PERCENT", "Cannot reduce prices by 100% or more");
        }
        List<Product> products = productRepository.findByCategoryAndActiveTrue(category);
        for (Product product : products) {
            long cents = product.getPrice().getCents();
            long adjusted = cents + Math.round(cents * percentChange / 100.0);
            product.setPrice(Money.ofCents(adjusted, product.getPrice().getCurrency()));
        }
        productRepository.saveAll(products);
        return products.size();
    }
}
