-- M3UA over TCP for Wireshark/tshark 4.0, which decodes M3UA only over SCTP.
-- Each M3UA message carries its length at offset 4 (RFC 4666 §3.1), which is
-- all TCP reassembly needs. Registered on the TCP ports of the preference
-- m3ua_tcp.ports (the IANA M3UA port 2905 unless set), and as a heuristic on
-- any other port: a segment that is whole M3UA messages (version 1, a class
-- and type RFC 4666 defines, lengths that end where the segment ends) marks
-- its connection as M3UA.
--   tshark -X lua_script:scripts/m3ua-tcp.lua -r testdata/flow-tcp.pcap
--   tshark -X lua_script:scripts/m3ua-tcp.lua -o m3ua_tcp.ports:2905,3565 -r lab.pcap
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

-- A port range, as tcp.port takes it: a port dissector (Diameter's 3868…)
-- wins over the heuristic, so a lab that runs M3UA on one names it here.
proto.prefs.ports = Pref.range("TCP ports", "2905", "TCP ports always decoded as M3UA", 65535)
local tcp_port = DissectorTable.get("tcp.port")
local ports = "2905"
tcp_port:add(ports, proto)

function proto.prefs_changed()
  if proto.prefs.ports ~= ports then
    tcp_port:remove(ports, proto)
    ports = proto.prefs.ports
    tcp_port:add(ports, proto)
  end
end

-- The highest message type of each class RFC 4666 §3.1.2 defines (MGMT
-- starts at 0, the others at 1).
local max_type = { [0] = 1, [1] = 1, [2] = 6, [3] = 6, [4] = 4, [9] = 4 }

local function heuristic(tvb, pinfo, tree)
  local len, off = tvb:len(), 0
  while off + 8 <= len do
    local class, typ = tvb(off + 2, 1):uint(), tvb(off + 3, 1):uint()
    local n = tvb(off + 4, 4):uint()
    if tvb(off, 1):uint() ~= 1 or tvb(off + 1, 1):uint() ~= 0 or max_type[class] == nil
        or typ > max_type[class] or (typ == 0 and class ~= 0) or n < 8 then
      return false
    end
    off = off + n
  end
  if off ~= len or len == 0 then
    return false
  end
  pinfo.conversation = proto -- the rest of the connection, without asking again
  proto.dissector(tvb, pinfo, tree)
  return true
end
proto:register_heuristic("tcp", heuristic)
