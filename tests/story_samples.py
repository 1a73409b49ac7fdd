"""User stories that the user-story task accepts, in the forms it accepts (shared by the task's tests and
the story structure score's)."""

GOOD_EN = """As a customer, I want to cancel an order that has not shipped yet, so that I am not charged for
something I no longer need.

Acceptance criteria:
1. Given an order in status PAID, when I cancel it, then the full total is refunded and the status is CANCELLED.
2. Given an order in status SHIPPED, when I try to cancel it, then the API answers 409 Conflict.
"""

GOOD_EN_GHERKIN = """As an administrator I want to import supplier prices so that the shop shows current prices.

Scenario: valid file
  Given a CSV file with semicolons
  When I upload it
  Then every row is imported

Scenario: bad row
  Given a row with an unknown currency
  And a valid row
  When I upload the file
  Then the bad row is reported with its line number
"""

GOOD_ZH = """作为顾客，我想要取消尚未发货的订单，以便不为不再需要的东西付款。

验收标准：
1. 假设订单状态为已支付，当我取消订单时，那么全额退款并且状态变为已取消。
2. 假设订单已发货，当我尝试取消时，于是接口返回 409 冲突。
"""
