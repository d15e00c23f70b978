package camel

import "github.com/scpd/scpd/sigtran/ber"

// Burst is a pattern of warning tones (phase 4, CAP-datatypes):
//
//	Burst ::= SEQUENCE {
//		numberOfBursts       [0] INTEGER (1..3) DEFAULT 1,
//		burstInterval        [1] INTEGER (1..1200) DEFAULT 2,
//		numberOfTonesInBurst [2] INTEGER (1..3) DEFAULT 3,
//		toneDuration         [3] INTEGER (1..20) DEFAULT 2,
//		toneInterval         [4] INTEGER (1..20) DEFAULT 2,
//		... }
//
// The intervals and durations are in 100 ms units. A zero field means its
// DEFAULT; decoding fills the DEFAULT in.
type Burst struct {
	NumberOfBursts       uint8  `json:"numberOfBursts"`
	BurstInterval        uint16 `json:"burstInterval"`
	NumberOfTonesInBurst uint8  `json:"numberOfTonesInBurst"`
	ToneDuration         uint8  `json:"toneDuration"`
	ToneInterval         uint8  `json:"toneInterval"`
}

// burstFields lists the members in tag order: name, DEFAULT, maximum.
var burstFields = [...]struct {
	name     string
	def, max int64
}{
	{"numberOfBursts", 1, 3},
	{"burstInterval", 2, 1200},
	{"numberOfTonesInBurst", 3, 3},
	{"toneDuration", 2, 20},
	{"toneInterval", 2, 20},
}

func (b *Burst) values() [5]int64 {
	return [5]int64{int64(b.NumberOfBursts), int64(b.BurstInterval), int64(b.NumberOfTonesInBurst),
		int64(b.ToneDuration), int64(b.ToneInterval)}
}

func (b *Burst) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	for i, v := range b.values() {
		f := burstFields[i]
		if err := encodeIntDefault(e, uint32(i), v, f.def, 1, f.max); err != nil {
			return &DecodeError{Field: f.name, Err: err}
		}
	}
	e.End(m)
	return nil
}

func (b *Burst) decode(v []byte) error {
	var x [5]int64
	for i, f := range burstFields {
		x[i] = f.def
	}
	err := eachMember(v, func(m ber.TLV) (string, error) {
		n := m.Tag.Number
		if n >= uint32(len(burstFields)) {
			return "", nil
		}
		var err error
		x[n], err = decodeInt(m, 1, burstFields[n].max)
		return burstFields[n].name, err
	})
	*b = Burst{uint8(x[0]), uint16(x[1]), uint8(x[2]), uint8(x[3]), uint8(x[4])}
	return err
}

// BurstList is the phase 4 warning before the end of a charging period:
//
//	BurstList ::= SEQUENCE {
//		warningPeriod [0] INTEGER (1..1200) DEFAULT 30,  -- seconds
//		bursts        [1] Burst,
//		... }
//
// WarningPeriod 0 means the DEFAULT; decoding fills it in.
type BurstList struct {
	WarningPeriod uint16 `json:"warningPeriod"`
	Bursts        Burst  `json:"bursts"`
}

func (l *BurstList) encode(e *ber.Encoder, t ber.Tag) error {
	m := e.Begin(t)
	if err := encodeIntDefault(e, 0, int64(l.WarningPeriod), 30, 1, 1200); err != nil {
		return &DecodeError{Field: "warningPeriod", Err: err}
	}
	if err := l.Bursts.encode(e, ber.ContextC(1)); err != nil {
		return fieldError("bursts", err)
	}
	e.End(m)
	return nil
}

func (l *BurstList) decode(v []byte) error {
	*l = BurstList{WarningPeriod: 30}
	haveBursts := false
	err := eachMember(v, func(m ber.TLV) (string, error) {
		switch m.Tag.Number {
		case 0:
			x, err := decodeInt(m, 1, 1200)
			l.WarningPeriod = uint16(x)
			return "warningPeriod", err
		case 1:
			haveBursts = true
			return "bursts", decodeConstructed(m, l.Bursts.decode)
		}
		return "", nil
	})
	if err == nil && !haveBursts {
		return &DecodeError{Field: "bursts", Err: ErrMissing}
	}
	return err
}
