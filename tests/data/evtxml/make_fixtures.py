#!/usr/bin/env python3
"""Writes the evtxml fixtures: CloudBackup/Operational events (IDs 1, 3,
11, 18 of domain-reference §6.4) in the two XML export forms.

- wevtutil-cloudbackup.xml: what `wevtutil qe CloudBackup/Operational
  /f:xml > file` writes: one <Event> per line, no XML declaration and no
  root element, CRLF, UTF-8.
- eventviewer-cloudbackup.xml: Event Viewer's "Save Selected Events..."
  as XML: UTF-16LE with BOM, a utf-16 declaration, an <Events> root and
  pretty-printed events carrying <RenderingInfo> with the message.
- truncated.xml: the wevtutil form cut in the middle of its third event
  (as a copy that ran out of disk would be).

Record IDs, times, the computer name and the EventData are made up; the
IDs, levels and messages follow domain-reference §6.4.
"""
import os

NS = "http://schemas.microsoft.com/win/2004/08/events/event"
EVENTS = [
    # id, level, time, data, message
    (1, 4, "2026-11-28T02:00:01.2031250Z", [],
     "The backup operation has started."),
    (3, 4, "2026-11-28T02:14:37.5468750Z", [],
     "The backup operation has completed."),
    (11, 2, "2026-11-29T02:03:12.0156250Z",
     [("JobId", "6f1c2a4e-5b0d-4c8e-9a37-1d2e3f405162"),
      ("ErrorCode", "0x80072EE2")],
     "The backup operation has completed with errors."),
    (18, 2, "2026-11-30T02:00:00.4843750Z",
     [("ErrorCode", "0x80072EFD")],
     "Scheduled backup failed in initialization phase"),
]


def system(i, eid, level, time, sep):
    return sep.join([
        "<System>",
        "<Provider Name='CloudBackup'/>",
        f"<EventID Qualifiers='0'>{eid}</EventID>",
        f"<Level>{level}</Level>",
        "<Task>0</Task>",
        "<Keywords>0x80000000000000</Keywords>",
        f"<TimeCreated SystemTime='{time}'/>",
        f"<EventRecordID>{4711 + i}</EventRecordID>",
        "<Channel>CloudBackup/Operational</Channel>",
        "<Computer>FS01.contoso.local</Computer>",
        "<Security/>",
        "</System>",
    ])


def event(i, eid, level, time, data, message, rendered):
    parts = [f"<Event xmlns='{NS}'>", system(i, eid, level, time, "")]
    if data:
        parts.append("<EventData>" + "".join(
            f"<Data Name='{n}'>{v}</Data>" for n, v in data) + "</EventData>")
    else:
        parts.append("<EventData></EventData>")
    if rendered:
        lvl = "Error" if level == 2 else "Information"
        parts.append(f"<RenderingInfo Culture='en-US'><Message>{message}"
                     f"</Message><Level>{lvl}</Level><Task></Task>"
                     "<Opcode>Info</Opcode><Channel>CloudBackup/Operational"
                     "</Channel><Provider></Provider><Keywords><Keyword>"
                     "Classic</Keyword></Keywords></RenderingInfo>")
    parts.append("</Event>")
    return "".join(parts)


here = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)


wevt = "".join(event(i, *e, rendered=False) + "\r\n"
               for i, e in enumerate(EVENTS))
write("wevtutil-cloudbackup.xml", wevt.encode("utf-8"))

viewer = ['<?xml version="1.0" encoding="utf-16"?>', "<Events>"]
for i, e in enumerate(EVENTS):
    viewer.append(event(i, *e, rendered=True).replace("><", ">\r\n<", 2))
viewer.append("</Events>")
write("eventviewer-cloudbackup.xml",
      b"\xff\xfe" + "\r\n".join(viewer).encode("utf-16-le"))

lines = wevt.split("\r\n")
write("truncated.xml",
      ("\r\n".join(lines[:2]) + "\r\n" + lines[2][:400]).encode("utf-8"))
