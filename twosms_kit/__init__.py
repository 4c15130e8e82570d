"""The kit's roof: the `twosms-contract` command (`twosms_kit.cli`) and the breaking-change
report (`twosms_kit.diff`), the two pieces that call several stages.

Every stage (`twosms_contract`, `generator`, `mockserver`, `contract_tests`) sits below this
package and never imports it.
"""
