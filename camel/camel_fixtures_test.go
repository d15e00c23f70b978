package camel

// Wire fixtures: the ExampleMOInitialDP and ExampleMTInitialDP values
// (example.go) as BER, written by hand from CAP-gsmSSF-gsmSCF-ops-args and
// CAP-datatypes and checked against tshark 4.0.17.

// fixtureMOInitialDP is ExampleMOInitialDP, the same in every phase.
const fixtureMOInitialDP = "30 6e" +
	" 80 01 64" + // serviceKey 100
	" 83 09 84 13 94 71 10 32 54 76 08" + // callingPartyNumber: odd, international; ISDN, allowed, network provided; 4917012345678
	" 85 01 0a" + // callingPartysCategory: ordinary subscriber
	" bb 05 80 03 80 90 a3" + // bearerCapability [27] EXPLICIT: bearerCap speech, 64 kbit/s, G.711 A-law
	" 9c 01 02" + // eventTypeBCSM: collectedInfo
	" 9f 32 08 62 02 11 32 54 76 98 f0" + // iMSI [50]: 262011234567890
	" bf 34 16" + // locationInformation [52]
	"   02 01 03" + // ageOfLocationInformation 3 minutes
	"   81 06 91 94 71 00 00 01" + // vlr-number: international, ISDN, 4917000010
	"   a3 09 80 07 62 f2 10 12 34 56 78" + // cellGlobalIdOrServiceAreaIdOrLAI [3] EXPLICIT: CGI 262-01, LAC 0x1234, CI 0x5678
	" bf 35 03 83 01 11" + // ext-basicServiceCode [53] EXPLICIT: ext-Teleservice telephony
	" 9f 36 08 00 1c 8a 4f 02 31 00 01" + // callReferenceNumber [54]
	" 9f 37 06 91 94 71 00 00 01" + // mscAddress [55]: 4917000010
	" 9f 38 07 81 10 07 21 43 65 f7" + // calledPartyBCDNumber [56]: unknown, ISDN, 01701234567 (filler f)
	" 9f 39 08 02 62 11 62 41 03 50 40" // timeAndTimezone [57]: 2026-11-26 14:30:05, GMT+1 (4 quarters)

// fixtureMTInitialDPBody is ExampleMTInitialDP without its
// initialDPArgExtension, whose gmscAddress tag depends on the phase.
const fixtureMTInitialDPBody = "" +
	" 80 02 00 c8" + // serviceKey 200
	" 82 09 84 10 94 71 10 32 54 76 08" + // calledPartyNumber: odd, international; INN 0, ISDN; 4917012345678
	" 83 07 04 13 94 03 21 43 65" + // callingPartyNumber: even, international; 4930123456
	" 85 01 0a" + // callingPartysCategory
	" bb 05 80 03 80 90 a3" + // bearerCapability
	" 9c 01 0c" + // eventTypeBCSM: termAttemptAuthorized
	" 9f 32 08 62 02 11 32 54 76 98 f0" + // iMSI
	" bf 33 02 80 00" + // subscriberState [51] EXPLICIT: assumedIdle [0] NULL
	" bf 35 03 83 01 11" + // ext-basicServiceCode: telephony
	" 9f 36 08 00 1c 8a 4f 02 31 00 02" + // callReferenceNumber
	" 9f 37 06 91 94 71 00 00 02" + // mscAddress: the GMSC, 4917000020
	" 9f 39 08 02 62 11 62 41 13 00 40" // timeAndTimezone: 2026-11-26 14:31:00 GMT+1

// fixtureMTInitialDPPhase2 has InitialDPArgExtensionV2: gmscAddress [1].
const fixtureMTInitialDPPhase2 = "30 65" + fixtureMTInitialDPBody +
	" bf 3b 08 81 06 91 94 71 00 00 02"

// fixtureMTInitialDPPhase4 (and 3) has InitialDPArgExtension: gmscAddress [0].
const fixtureMTInitialDPPhase4 = "30 65" + fixtureMTInitialDPBody +
	" bf 3b 08 80 06 91 94 71 00 00 02"
