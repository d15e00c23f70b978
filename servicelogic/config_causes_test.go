package servicelogic

import "testing"

// A cause that does not fit Q.850's 7 bits is refused when the service is
// configured, not on every call that would send it (where encoding fails
// and the call's handler panics).
func TestConfigRefusesCauseOver127(t *testing.T) {
	for name, set := range map[string]func(*Config){
		"overload":   func(c *Config) { c.Overload.Cause = 200 },
		"bad number": func(c *Config) { c.Causes.BadNumber = 128 },
		"mt release": func(c *Config) { c.Causes.MTRelease = 255 },
	} {
		c := DefaultConfig()
		set(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: a cause over 127 passed Validate", name)
		}
	}
	if c := DefaultConfig(); c.Validate() != nil {
		t.Fatalf("the default config is refused: %v", c.Validate())
	}
}
