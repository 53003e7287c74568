package conversation

import (
	"fmt"
	"time"
)

// notNegative is the rule for the figures of an options struct
// (RetryPolicy, BudgetLimits): zero takes the default, a negative value is a
// mistake, refused with an *ArgumentError of op (the option or function
// given the struct) naming the field as owner.field and the default that
// zero would take.
func notNegative[T int | time.Duration](op, owner, field string, v, def T) error {
	if v >= 0 {
		return nil
	}
	return &ArgumentError{Operation: op, Argument: owner + "." + field,
		Reason: fmt.Sprintf("must not be negative (0 takes the default, %v)", def)}
}
