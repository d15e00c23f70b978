package camel

import (
	"strconv"
	"time"
)

// DateAndTime is the CAP DateAndTime (CAP-datatypes): seven octets of BCD,
// YYYY MM DD hh mm ss, the first digit of each octet in its low nibble
// ("the year digit indicating millennium occupies bits 0-3 of the first
// octet"). CallInformationReport carries it as callStopTimeValue. The zero
// value means absent.
type DateAndTime struct {
	Year   uint16 `json:"year"`
	Month  uint8  `json:"month"`
	Day    uint8  `json:"day"`
	Hour   uint8  `json:"hour"`
	Minute uint8  `json:"minute"`
	Second uint8  `json:"second"`
}

// AppendBinary appends the seven BCD octets.
func (d DateAndTime) AppendBinary(b []byte) ([]byte, error) {
	if d.Year > 9999 || d.Month > 99 || d.Day > 99 || d.Hour > 99 || d.Minute > 99 || d.Second > 99 {
		return nil, ErrRange
	}
	b = append(b, bcdPair(uint8(d.Year/100)), bcdPair(uint8(d.Year%100)))
	return append(b, bcdPair(d.Month), bcdPair(d.Day), bcdPair(d.Hour), bcdPair(d.Minute), bcdPair(d.Second)), nil
}

// UnmarshalBinary decodes the seven octets; a nibble above 9 is malformed.
func (d *DateAndTime) UnmarshalBinary(b []byte) error {
	if len(b) != 7 {
		return ErrSize
	}
	var v [7]uint8
	for i, c := range b {
		x, ok := bcdValue(c)
		if !ok {
			return ErrDigits
		}
		v[i] = x
	}
	*d = DateAndTime{Year: uint16(v[0])*100 + uint16(v[1]), Month: v[2], Day: v[3], Hour: v[4], Minute: v[5], Second: v[6]}
	return nil
}

// String gives "YYYY-MM-DD hh:mm:ss".
func (d DateAndTime) String() string { return string(d.appendText(nil)) }

// MarshalText makes JSON show the String form.
func (d DateAndTime) MarshalText() ([]byte, error) { return d.appendText(nil), nil }

func (d DateAndTime) appendText(b []byte) []byte {
	b = append2(append2(b, uint8(d.Year/100)), uint8(d.Year%100))
	b = append2(append(b, '-'), d.Month)
	b = append2(append(b, '-'), d.Day)
	b = append2(append(b, ' '), d.Hour)
	b = append2(append(b, ':'), d.Minute)
	return append2(append(b, ':'), d.Second)
}

// TimeAndTimezone is the CAP TimeAndTimezone (CAP-datatypes, eight
// octets): a DateAndTime in local time, then the offset from GMT in the TS
// 23.040 §9.2.3.11 form (two BCD semi-octets of quarter hours, the tens in
// the low nibble, bit 3 the sign). The MSC puts it in InitialDP. The zero
// value means absent.
type TimeAndTimezone struct {
	DateAndTime
	// TimeZone is the offset of local time from GMT in quarters of an
	// hour, -79..79 (e.g. 4 for GMT+1, -20 for GMT-5).
	TimeZone int8 `json:"timeZone"`
}

// TimeAndTimezoneOf converts t, in its own location, to a TimeAndTimezone.
func TimeAndTimezoneOf(t time.Time) TimeAndTimezone {
	_, off := t.Zone()
	return TimeAndTimezone{
		DateAndTime: DateAndTime{Year: uint16(t.Year()), Month: uint8(t.Month()), Day: uint8(t.Day()),
			Hour: uint8(t.Hour()), Minute: uint8(t.Minute()), Second: uint8(t.Second())},
		TimeZone: int8(off / 900),
	}
}

// Time returns the instant in a fixed zone of the offset.
func (t TimeAndTimezone) Time() time.Time {
	return time.Date(int(t.Year), time.Month(t.Month), int(t.Day), int(t.Hour), int(t.Minute), int(t.Second), 0,
		time.FixedZone("", int(t.TimeZone)*900))
}

// AppendBinary appends the eight octets.
func (t TimeAndTimezone) AppendBinary(b []byte) ([]byte, error) {
	b, err := t.DateAndTime.AppendBinary(b)
	if err != nil {
		return nil, err
	}
	q, sign := t.TimeZone, uint8(0)
	if q < 0 {
		q, sign = -q, 0x08
	}
	if q > 79 {
		return nil, ErrRange
	}
	return append(b, uint8(q%10)<<4|sign|uint8(q/10)), nil
}

// UnmarshalBinary decodes the eight octets.
func (t *TimeAndTimezone) UnmarshalBinary(b []byte) error {
	if len(b) != 8 {
		return ErrSize
	}
	if err := t.DateAndTime.UnmarshalBinary(b[:7]); err != nil {
		return err
	}
	tens, units := b[7]&0x07, b[7]>>4
	if units > 9 {
		return ErrDigits
	}
	t.TimeZone = int8(tens*10 + units)
	if b[7]&0x08 != 0 {
		t.TimeZone = -t.TimeZone
	}
	return nil
}

// String gives "YYYY-MM-DD hh:mm:ss GMT+h:mm".
func (t TimeAndTimezone) String() string { return string(t.appendText(nil)) }

// MarshalText makes JSON show the String form.
func (t TimeAndTimezone) MarshalText() ([]byte, error) { return t.appendText(nil), nil }

func (t TimeAndTimezone) appendText(b []byte) []byte {
	b = append(t.DateAndTime.appendText(b), " GMT"...)
	q := int(t.TimeZone)
	if q < 0 {
		b, q = append(b, '-'), -q
	} else {
		b = append(b, '+')
	}
	b = strconv.AppendInt(b, int64(q/4), 10)
	return append2(append(b, ':'), uint8(q%4*15))
}

// bcdPair packs a value 0..99 as two digits, the tens in the low nibble.
func bcdPair(v uint8) byte { return (v%10)<<4 | v/10 }

// bcdValue unpacks bcdPair.
func bcdValue(c byte) (uint8, bool) {
	lo, hi := c&0x0f, c>>4
	if lo > 9 || hi > 9 {
		return 0, false
	}
	return lo*10 + hi, true
}

func append2(b []byte, v uint8) []byte { return append(b, '0'+v/10, '0'+v%10) }
