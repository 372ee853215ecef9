package password

import (
	"slices"
	"testing"
)

func TestPolicy(t *testing.T) {
	p := Policy{}
	const acct = "diskominfo@pematangsiantar.go.id"
	rules := func(errs []*PolicyError) []string {
		var out []string
		for _, e := range errs {
			out = append(out, e.Rule)
		}
		return out
	}
	tests := []struct {
		name, old, new, confirm string
		isDefault               bool
		want                    []string
	}{
		{"strong", "Siantar#2022", "kopi-Toba-danau-2025!", "kopi-Toba-danau-2025!", false, nil},
		{"mismatch", "Siantar#2022", "kopi-Toba-danau-2025!", "kopi-Toba-danau-2025?", false, []string{RuleMismatch}},
		{"short and weak", "Siantar#2022", "abc", "abc", false, []string{RuleMinLength, RuleTooWeak}},
		{"common", "Siantar#2022", "password123", "password123", false, []string{RuleTooWeak}},
		{"same as old", "kopi-Toba-danau-2025!", "kopi-Toba-danau-2025!", "kopi-Toba-danau-2025!", false, []string{RuleSameAsOld}},
		{"default", "x", "kopi-Toba-danau-2025!", "kopi-Toba-danau-2025!", true, []string{RuleSameAsDefault}},
		{"user name", "x", "Diskominfo-kopi-Toba-99!", "Diskominfo-kopi-Toba-99!", false, []string{RuleContainsUser}},
		{"city name only", "x", "Pematangsiantar2025", "Pematangsiantar2025", false, []string{RuleTooWeak}},
	}
	for _, tt := range tests {
		got := rules(p.Check(acct, tt.old, tt.new, tt.confirm, tt.isDefault))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: rules %v, want %v", tt.name, got, tt.want)
		}
	}
	errs := p.Check(acct, "", "abc", "abc", false)
	if errs[0].Min != DefaultMinLength {
		t.Errorf("min length rule carries %d", errs[0].Min)
	}
	if s := Strength(acct, "kopi-Toba-danau-2025!"); s < 3 {
		t.Errorf("Strength of a strong password = %d", s)
	}
	if s := Strength(acct, "diskominfo1"); s > 1 {
		t.Errorf("Strength of the user name = %d", s)
	}
}
