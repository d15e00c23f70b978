-- M3UA over TCP for Wireshark/tshark 4.0, which decodes M3UA only over SCTP.
-- Each M3UA message carries its length at offset 4 (RFC 4666 §3.1), which is
-- all TCP reassembly needs. Registered on the IANA M3UA port 2905.
--   tshark -X lua_script:scripts/m3ua-tcp.lua -r testdata/flow-tcp.pcap
--   wireshark -X lua_script:scripts/m3ua-tcp.lua testdata/flow-tcp.pcap
local m3ua = Dissector.get("m3ua")
local proto = Proto("m3ua_tcp", "M3UA over TCP")

local function pdu_length(tvb, pinfo, offset)
  return tvb(offset + 4, 4):uint()
end

local function dissect_pdu(tvb, pinfo, tree)
  return m3ua:call(tvb, pinfo, tree)
end

function proto.dissector(tvb, pinfo, tree)
  dissect_tcp_pdus(tvb, tree, 8, pdu_length, dissect_pdu)
  return tvb:len()
end

DissectorTable.get("tcp.port"):add(2905, proto)
