rootProject.name = "loyalty"
