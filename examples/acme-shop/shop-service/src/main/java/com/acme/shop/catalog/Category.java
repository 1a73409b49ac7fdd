package com.acme.shop.catalog;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A node of the storefront's navigation tree (Garden, then Tools, then Pruning). A product is listed
 * in any number of categories; its own {@code category} code only decides its SKU prefix.
 */
@Entity
@Table(name = "categories")
public class Category {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true)
    private String slug;

    @Column(nullable = false)
    private String title;

    private int position;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "parent_id")
    private Category parent;

    @OneToMany(mappedBy = "parent")
    private List<Category> children = new ArrayList<>();

    @ManyToMany
    @JoinTable(name = "category_products",
            joinColumns = @JoinColumn(name = "category_id"),
            inverseJoinColumns = @JoinColumn(name = "product_id"))
    private Set<Product> products = new HashSet<>();

    protected Category() {
    }

    public Category(String slug, String title, Category parent) {
        this.slug = slug;
        this.title = title;
        this.parent = parent;
    }

    /**
     * The titles from the root down to this category, joined for breadcrumbs.
     */
    public String breadcrumb() {
        List<String> titles = new ArrayList<>();
        for (Category c = this; c != null; c = c.parent) {
            titles.add(c.title);
        }
        Collections.reverse(titles);
        return String.join(" > ", titles);
    }

    /**
     * Lists a product here; a deactivated product cannot be listed.
     */
    public boolean addProduct(Product product) {
        if (!product.isActive()) {
            throw new IllegalArgumentException("Product " + product.getSku() + " is inactive");
        }
        return products.add(product);
    }

    public Long getId() {
        return id;
    }

    public String getSlug() {
        return slug;
    }

    public String getTitle() {
        return title;
    }

    public int getPosition() {
        return position;
    }

    public void setPosition(int position) {
        this.position = position;
    }

    public Category getParent() {
        return parent;
    }

    public List<Category> getChildren() {
        return Collections.unmodifiableList(children);
    }

    public Set<Product> getProducts() {
        return Collections.unmodifiableSet(products);
    }
}
