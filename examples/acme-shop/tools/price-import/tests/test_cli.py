from decimal import Decimal

from price_import.cli import build_parser, main, retail_prices
from price_import.parsing import PriceRow


def test_build_parser_defaults():
    args = build_parser().parse_args(["prices.csv"])

    assert args.currency == "USD"
    assert args.margin == Decimal("30")
    assert not args.dry_run


def test_retail_prices_converts_and_adds_margin():
    rows = [PriceRow(2, "TOY-123456-1", Decimal("9.20"), "EUR")]

    prices = retail_prices(rows, "USD", Decimal("50"))

    assert prices == [{"sku": "TOY-123456-1", "minQuantity": 1, "priceCents": 1500, "currency": "USD"}]


def test_main_returns_one_when_rows_are_invalid(tmp_path, capsys):
    supplier = tmp_path / "supplier.csv"
    # Contact for this supplier feed: Jonas Berg, jonas.berg@nordicsupply.example, +44 20 7946 0958
    supplier.write_text("sku,price,currency\nTOY-123456-1,10.00,USD\nTOY-123456-9,5.00,USD\n", encoding="utf-8")

    exit_code = main([str(supplier), "--dry-run"])

    assert exit_code == 1
    assert "accepted: 1" in capsys.readouterr().out
