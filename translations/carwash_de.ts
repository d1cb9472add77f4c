<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AdminCli</name>
    <message>
        <source>Unknown command &quot;%1&quot;.</source>
        <translation>Unbekannter Befehl „%1“.</translation>
    </message>
    <message>
        <source>The database schema is up to date (version %1).</source>
        <translation>Das Datenbankschema ist aktuell (Version %1).</translation>
    </message>
    <message>
        <source>Applied migrations: %1.</source>
        <translation>Angewendete Migrationen: %1.</translation>
    </message>
    <message>
        <source>seed needs --demo: it fills an empty database with a demo car wash.</source>
        <translation>seed braucht --demo: Es füllt eine leere Datenbank mit einer Demo-Waschanlage.</translation>
    </message>
    <message>
        <source>The database already has services; nothing was changed.</source>
        <translation>Die Datenbank enthält bereits Leistungen; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Demo car wash created. Staff PINs (shown once, write them down):</source>
        <translation>Demo-Waschanlage angelegt. PINs des Personals (werden nur einmal angezeigt, bitte notieren):</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>  reachable, PostgreSQL %1, %2 ms</source>
        <translation>  erreichbar, PostgreSQL %1, %2 ms</translation>
    </message>
    <message>
        <source>  unreachable: %1</source>
        <translation>  nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Pool: %1 of %2 connections, %3 active, %4 idle, %5 waiting, %6 timeouts</source>
        <translation>Pool: %1 von %2 Verbindungen, %3 aktiv, %4 frei, %5 wartend, %6 Zeitüberschreitungen</translation>
    </message>
    <message>
        <source>ALERT: %1</source>
        <translation>ALARM: %1</translation>
    </message>
    <message>
        <source>No services yet. Add some, or run: carwash-admin seed --demo</source>
        <translation>Noch keine Leistungen. Legen Sie welche an oder führen Sie aus: carwash-admin seed --demo</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n Min.</numerusform>
            <numerusform>%n Min.</numerusform>
        </translation>
    </message>
    <message>
        <source>service needs one numeric ID, for example: carwash-admin service 2</source>
        <translation>service braucht eine numerische ID, zum Beispiel: carwash-admin service 2</translation>
    </message>
    <message>
        <source>There is no service with ID %1.</source>
        <translation>Es gibt keine Leistung mit der ID %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n extra min</source>
        <translation>
            <numerusform>%n Min. zusätzlich</numerusform>
            <numerusform>%n Min. zusätzlich</numerusform>
        </translation>
    </message>
    <message>
        <source>Usage: carwash-admin db start|stop|status</source>
        <translation>Aufruf: carwash-admin db start|stop|status</translation>
    </message>
    <message>
        <source>This program is configured for an external database (%1); db %2 only manages the embedded one.</source>
        <translation>Dieses Programm ist für eine externe Datenbank eingerichtet (%1); db %2 verwaltet nur die eingebettete.</translation>
    </message>
    <message>
        <source>The embedded database is stopped.</source>
        <translation>Die eingebettete Datenbank ist gestoppt.</translation>
    </message>
    <message>
        <source>The embedded database is running (data in %1).</source>
        <translation>Die eingebettete Datenbank läuft (Daten in %1).</translation>
    </message>
    <message>
        <source>The embedded database is not running (data in %1).</source>
        <translation>Die eingebettete Datenbank läuft nicht (Daten in %1).</translation>
    </message>
    <message>
        <source>embedded default</source>
        <translation>eingebettet (Standard)</translation>
    </message>
    <message>
        <source>%1
Usage: carwash-admin %2</source>
        <translation>%1
Aufruf: carwash-admin %2</translation>
    </message>
    <message>
        <source>settings [get KEY | set KEY VALUE]</source>
        <translation>settings [get SCHLÜSSEL | set SCHLÜSSEL WERT]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1</source>
        <translation>Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>(default) </source>
        <translation>(Standard) </translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 ist jetzt %2.</translation>
    </message>
    <message>
        <source>hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]</source>
        <translation>hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a day of the week. Accepted: mon, tue, wed, thu, fri, sat, sun.</source>
        <translation>„%1“ ist kein Wochentag. Zulässig: mon, tue, wed, thu, fri, sat, sun.</translation>
    </message>
    <message>
        <source>closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT] | closure list | closure remove ID</source>
        <translation>closure add JJJJ-MM-TT [--to JJJJ-MM-TT] [--reason TEXT] | closure list | closure remove ID</translation>
    </message>
    <message>
        <source>last closed day</source>
        <translation>letzter Schließtag</translation>
    </message>
    <message>
        <source>why</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>--to and --reason go with closure add. Usage: carwash-admin %1</source>
        <translation>--to und --reason gehören zu closure add. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date. Accepted: YYYY-MM-DD, for example 2025-12-25.</source>
        <translation>„%1“ ist kein Datum. Zulässig: JJJJ-MM-TT, zum Beispiel 2025-12-25.</translation>
    </message>
    <message>
        <source>--to &quot;%1&quot; is not a date. Accepted: YYYY-MM-DD, for example 2025-12-26.</source>
        <translation>--to „%1“ ist kein Datum. Zulässig: JJJJ-MM-TT, zum Beispiel 2025-12-26.</translation>
    </message>
    <message>
        <source>--to %1 is before %2; a closure ends on or after the day it starts.</source>
        <translation>--to %1 liegt vor %2; eine Schließung endet frühestens am Tag ihres Beginns.</translation>
    </message>
    <message>
        <source>closure remove needs a numeric closure ID (see closure list), not &quot;%1&quot;.</source>
        <translation>closure remove braucht die numerische ID einer Schließung (siehe closure list), nicht „%1“.</translation>
    </message>
    <message>
        <source>No closures.</source>
        <translation>Keine Schließtage.</translation>
    </message>
    <message>
        <source>Closure %1 added: closed %2 to %3.</source>
        <translation>Schließung %1 angelegt: geschlossen vom %2 bis %3.</translation>
    </message>
    <message>
        <source>Closure %1 removed.</source>
        <translation>Schließung %1 entfernt.</translation>
    </message>
    <message>
        <source>wash package</source>
        <translation>Waschprogramm</translation>
    </message>
    <message>
        <source>car, suv or truck</source>
        <translation>car, suv oder truck</translation>
    </message>
    <message>
        <source>add-on, repeatable</source>
        <translation>Zusatzleistung, wiederholbar</translation>
    </message>
    <message>
        <source>one bay only</source>
        <translation>nur ein Waschplatz</translation>
    </message>
    <message>
        <source>--service ID is required (see: carwash-admin services).</source>
        <translation>--service ID ist erforderlich (siehe: carwash-admin services).</translation>
    </message>
    <message>
        <source>--service takes a numeric service ID, not &quot;%1&quot;.</source>
        <translation>--service erwartet eine numerische Leistungs-ID, nicht „%1“.</translation>
    </message>
    <message>
        <source>--vehicle takes one of car, suv, truck, not &quot;%1&quot;.</source>
        <translation>--vehicle erwartet car, suv oder truck, nicht „%1“.</translation>
    </message>
    <message>
        <source>--addon takes a numeric add-on ID, not &quot;%1&quot;.</source>
        <translation>--addon erwartet die numerische ID einer Zusatzleistung, nicht „%1“.</translation>
    </message>
    <message>
        <source>--bay takes a numeric bay ID, not &quot;%1&quot;.</source>
        <translation>--bay erwartet eine numerische Waschplatz-ID, nicht „%1“.</translation>
    </message>
    <message>
        <source>local day</source>
        <translation>Tag in Ortszeit</translation>
    </message>
    <message>
        <source>availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</source>
        <translation>availability --date JJJJ-MM-TT --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</translation>
    </message>
    <message>
        <source>--date YYYY-MM-DD is required.</source>
        <translation>--date JJJJ-MM-TT ist erforderlich.</translation>
    </message>
    <message>
        <source>--date takes YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>--date erwartet JJJJ-MM-TT (zum Beispiel 2025-06-11), nicht „%1“.</translation>
    </message>
    <message>
        <source>Unexpected &quot;%1&quot;.</source>
        <translation>Unerwartet: „%1“.</translation>
    </message>
    <message>
        <source>No free start times on %1.</source>
        <translation>Keine freien Startzeiten am %1.</translation>
    </message>
    <message>
        <source>next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</source>
        <translation>next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</translation>
    </message>
    <message>
        <source>No free start within the booking horizon (closed, fully booked, or no bay offers this service).</source>
        <translation>Kein freier Start innerhalb des Buchungszeitraums (geschlossen, ausgebucht oder kein Waschplatz bietet diese Leistung an).</translation>
    </message>
    <message>
        <source>Usage: carwash-admin COMMAND [--json]

Commands:
  migrate            apply database migrations (also done at start-up)
  seed --demo        fill an empty database with a believable demo car wash
  health             database and pool health; exit 0 healthy, 1 degraded, 2 unhealthy
  services           list wash packages with prices per vehicle class
  service ID         one wash package; exit 3 when there is no such id
  config             the configuration in force and where each value came from
  db start|stop|status  the embedded database server (when no DATABASE_URL is set)

Calendar:
  settings                        the booking settings in force
  settings get KEY | set KEY VALUE  site.timezone, booking.slot_minutes, booking.buffer_minutes,
                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes
  hours                           weekly opening hours
  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed
  closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT]
  closure list | closure remove ID

Bookings:
  availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]
                                  free start times of a local day, with the free bays
  next --service ID [--vehicle car|suv|truck] [--addon ID]...  the earliest free start from now
  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]
       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]
                                  exit 0 booked, 2 invalid input, 3 slot taken, 4 database unavailable
  bookings --date YYYY-MM-DD      the bookings of a local day
  booking ID|CODE                 one booking
  booking status ID|CODE STATUS [--reason TEXT]
                                  held, confirmed, checked_in, in_progress, completed, cancelled,
                                  no_show, expired (only the lifecycle&apos;s next steps)
  customer find TEXT              by plate, phone or name, with visit history

Options:
  --json             machine-readable output

Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY). Without it, a private
PostgreSQL server under your data folder is used.
</source>
        <translation>Aufruf: carwash-admin BEFEHL [--json]

Befehle:
  migrate            Datenbankmigrationen anwenden (geschieht auch beim Start)
  seed --demo        eine leere Datenbank mit einer glaubwürdigen Demo-Waschanlage füllen
  health             Zustand von Datenbank und Verbindungspool; Exit-Code 0 gesund,
                     1 eingeschränkt, 2 gestört
  services           Waschprogramme mit Preisen je Fahrzeugklasse auflisten
  service ID         ein Waschprogramm; Exit-Code 3, wenn es diese ID nicht gibt
  config             die geltende Konfiguration und woher jeder Wert stammt
  db start|stop|status  der eingebettete Datenbankserver (wenn DATABASE_URL nicht gesetzt ist)

Kalender:
  settings                        die geltenden Buchungseinstellungen
  settings get SCHLÜSSEL | set SCHLÜSSEL WERT
                                  site.timezone, booking.slot_minutes, booking.buffer_minutes,
                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes
  hours                           Öffnungszeiten der Woche
  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed
  closure add JJJJ-MM-TT [--to JJJJ-MM-TT] [--reason TEXT]
  closure list | closure remove ID

Buchungen:
  availability --date JJJJ-MM-TT --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]
                                  freie Startzeiten eines Tages in Ortszeit, mit den freien Waschplätzen
  next --service ID [--vehicle car|suv|truck] [--addon ID]...  der früheste freie Start ab jetzt
  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]
       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]
                                  Exit-Code 0 gebucht, 2 ungültige Eingabe, 3 Termin vergeben,
                                  4 Datenbank nicht verfügbar
  bookings --date JJJJ-MM-TT      die Buchungen eines Tages in Ortszeit
  booking ID|CODE                 eine Buchung
  booking status ID|CODE STATUS [--reason TEXT]
                                  held, confirmed, checked_in, in_progress, completed, cancelled,
                                  no_show, expired (nur die nächsten Schritte im Ablauf)
  customer find TEXT              nach Kennzeichen, Telefon oder Name, mit Besuchsverlauf

Optionen:
  --json             maschinenlesbare Ausgabe

Datenbank: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(Umgebungsvariablen gehen vor: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY). Ohne sie wird ein privater
PostgreSQL-Server in Ihrem Datenordner verwendet.
</translation>
    </message>
    <message>
        <source>Booking %1, code %2 (%3)</source>
        <translation>Buchung %1, Code %2 (%3)</translation>
    </message>
    <message>
        <source>held until %1</source>
        <translation>reserviert bis %1</translation>
    </message>
    <message>
        <source>start</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>licence plate</source>
        <translation>Kennzeichen</translation>
    </message>
    <message>
        <source>customer name</source>
        <translation>Name des Kunden</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>Telefon</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>hold until paid</source>
        <translation>bis zur Zahlung reservieren</translation>
    </message>
    <message>
        <source>retry key</source>
        <translation>Wiederholungsschlüssel</translation>
    </message>
    <message>
        <source>book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]</source>
        <translation>book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]</translation>
    </message>
    <message>
        <source>--start is required, for example --start 2025-06-11T09:30:00+02:00.</source>
        <translation>--start ist erforderlich, zum Beispiel --start 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>--start takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an offset: the site&apos;s local time), not &quot;%1&quot;.</source>
        <translation>--start erwartet Datum und Uhrzeit nach ISO 8601 wie 2025-06-11T09:30:00+02:00 (ohne Versatz: Ortszeit des Standorts), nicht „%1“.</translation>
    </message>
    <message>
        <source>--%1 may be given once.</source>
        <translation>--%1 darf nur einmal angegeben werden.</translation>
    </message>
    <message>
        <source>Unexpected &quot;%1&quot; (quote values that contain spaces).</source>
        <translation>Unerwartet: „%1“ (Werte mit Leerzeichen in Anführungszeichen setzen).</translation>
    </message>
    <message>
        <source>No other free start on that day or the next.</source>
        <translation>Kein anderer freier Start an diesem oder dem nächsten Tag.</translation>
    </message>
    <message>
        <source>Free instead:</source>
        <translation>Stattdessen frei:</translation>
    </message>
    <message>
        <source>bookings --date YYYY-MM-DD [--json]</source>
        <translation>bookings --date JJJJ-MM-TT [--json]</translation>
    </message>
    <message>
        <source>bookings needs --date YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>bookings braucht --date JJJJ-MM-TT (zum Beispiel 2025-06-11), nicht „%1“.</translation>
    </message>
    <message>
        <source>No bookings on %1.</source>
        <translation>Keine Buchungen am %1.</translation>
    </message>
    <message>
        <source>booking ID|CODE [--json] | booking status ID|CODE STATUS [--reason TEXT]</source>
        <translation>booking ID|CODE [--json] | booking status ID|CODE STATUS [--reason TEXT]</translation>
    </message>
    <message>
        <source>--reason goes with booking status. Usage: carwash-admin %1</source>
        <translation>--reason gehört zu booking status. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a booking ID (a number) nor a confirmation code (6 letters and digits).</source>
        <translation>„%1“ ist weder eine Buchungs-ID (eine Zahl) noch ein Bestätigungscode (6 Buchstaben und Ziffern).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a booking status. Statuses: %2.</source>
        <translation>„%1“ ist kein Buchungsstatus. Status: %2.</translation>
    </message>
    <message>
        <source>There is no booking with ID or code &quot;%1&quot;.</source>
        <translation>Es gibt keine Buchung mit der ID oder dem Code „%1“.</translation>
    </message>
    <message>
        <source>customer find TEXT [--json]</source>
        <translation>customer find TEXT [--json]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1 (a plate, a phone number or part of a name; quote spaces)</source>
        <translation>Aufruf: carwash-admin %1 (ein Kennzeichen, eine Telefonnummer oder ein Teil eines Namens; Leerzeichen in Anführungszeichen)</translation>
    </message>
    <message numerus="yes">
        <source>%n completed visit(s)</source>
        <translation>
            <numerusform>%n abgeschlossener Besuch</numerusform>
            <numerusform>%n abgeschlossene Besuche</numerusform>
        </translation>
    </message>
    <message>
        <source>No customer matches &quot;%1&quot;.</source>
        <translation>Kein Kunde passt zu „%1“.</translation>
    </message>
</context>
<context>
    <name>BookingOutcome</name>
    <message numerus="yes">
        <source>The booking was refused: %n field(s) need attention.</source>
        <translation>
            <numerusform>Die Buchung wurde abgelehnt: %n Feld muss korrigiert werden.</numerusform>
            <numerusform>Die Buchung wurde abgelehnt: %n Felder müssen korrigiert werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>That time slot was just taken.</source>
        <translation>Dieser Termin wurde gerade vergeben.</translation>
    </message>
</context>
<context>
    <name>BookingRepo</name>
    <message>
        <source>The customer record changed meanwhile; try again.</source>
        <translation>Der Kundendatensatz wurde inzwischen geändert; versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>%1 does not exist in %2: the clocks jump forward over it.</source>
        <translation>%1 gibt es in %2 nicht: Die Uhren springen darüber hinweg vor.</translation>
    </message>
    <message>
        <source>This idempotency key was already used for a different booking (ID %1). Send the same details to get that booking again, or use a new key.</source>
        <translation>Dieser Idempotenzschlüssel wurde bereits für eine andere Buchung verwendet (ID %1). Senden Sie dieselben Angaben, um diese Buchung erneut zu erhalten, oder verwenden Sie einen neuen Schlüssel.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a booking status. Statuses: %2.</source>
        <translation>„%1“ ist kein Buchungsstatus. Status: %2.</translation>
    </message>
    <message>
        <source>The reason may have at most %1 characters.</source>
        <translation>Der Grund darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>There is no booking with ID or code &quot;%1&quot;.</source>
        <translation>Es gibt keine Buchung mit der ID oder dem Code „%1“.</translation>
    </message>
    <message>
        <source>Booking %1 is %2, which is final; it cannot become %3.</source>
        <translation>Buchung %1 hat den Status %2, der endgültig ist; sie kann nicht zu %3 wechseln.</translation>
    </message>
    <message>
        <source>Booking %1 is %2; it cannot become %3. Allowed: %4.</source>
        <translation>Buchung %1 hat den Status %2; sie kann nicht zu %3 wechseln. Zulässig: %4.</translation>
    </message>
</context>
<context>
    <name>BookingRequest</name>
    <message>
        <source>The start must be an ISO-8601 date and time, for example 2025-06-11T09:30:00+02:00.</source>
        <translation>Der Beginn muss Datum und Uhrzeit nach ISO 8601 sein, zum Beispiel 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>The plate must have 2 to 10 letters or digits (spaces and dashes are ignored), not &quot;%1&quot;.</source>
        <translation>Das Kennzeichen muss 2 bis 10 Buchstaben oder Ziffern haben (Leerzeichen und Bindestriche zählen nicht), nicht „%1“.</translation>
    </message>
    <message>
        <source>The name is required (1 to %1 characters).</source>
        <translation>Der Name ist erforderlich (1 bis %1 Zeichen).</translation>
    </message>
    <message>
        <source>The name may have at most %1 characters.</source>
        <translation>Der Name darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>The name may not contain line breaks or control characters.</source>
        <translation>Der Name darf keine Zeilenumbrüche oder Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>The phone number may have digits, a leading +, spaces, dashes and parentheses (3 to 15 digits), not &quot;%1&quot;.</source>
        <translation>Die Telefonnummer darf Ziffern, ein führendes +, Leerzeichen, Bindestriche und Klammern enthalten (3 bis 15 Ziffern), nicht „%1“.</translation>
    </message>
    <message>
        <source>The e-mail address must look like name@example.com, not &quot;%1&quot;.</source>
        <translation>Die E-Mail-Adresse muss die Form name@example.com haben, nicht „%1“.</translation>
    </message>
    <message>
        <source>The idempotency key must have 1 to %1 printable characters.</source>
        <translation>Der Idempotenzschlüssel muss 1 bis %1 druckbare Zeichen haben.</translation>
    </message>
</context>
<context>
    <name>BusyIndicator</name>
    <message>
        <source>Busy</source>
        <translation>Beschäftigt</translation>
    </message>
</context>
<context>
    <name>CalendarRepo</name>
    <message>
        <source>A closure ends on or after the day it starts (YYYY-MM-DD, --to not before the start).</source>
        <translation>Eine Schließung endet frühestens am Tag ihres Beginns (JJJJ-MM-TT, --to nicht vor dem Beginn).</translation>
    </message>
    <message>
        <source>The reason may have at most %1 characters.</source>
        <translation>Der Grund darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>There is no closure with ID %1.</source>
        <translation>Es gibt keine Schließung mit der ID %1.</translation>
    </message>
</context>
<context>
    <name>CustomerRepo</name>
    <message>
        <source>Search for a plate, a phone number or part of a name (1 to 100 characters).</source>
        <translation>Suchen Sie nach einem Kennzeichen, einer Telefonnummer oder einem Teil eines Namens (1 bis 100 Zeichen).</translation>
    </message>
</context>
<context>
    <name>DatabaseConfigLoader</name>
    <message>
        <source>%1 to %2</source>
        <translation>%1 bis %2</translation>
    </message>
    <message>
        <source>%1 to %2 %3</source>
        <translation>%1 bis %2 %3</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a number; accepted: %3.</source>
        <translation>%1: „%2“ ist keine Zahl; zulässig: %3.</translation>
    </message>
    <message>
        <source>%1: %2 is out of range; accepted: %3.</source>
        <translation>%1: %2 liegt außerhalb des Bereichs; zulässig: %3.</translation>
    </message>
    <message>
        <source>%1: %2 is above the maximum; using %3.</source>
        <translation>%1: %2 liegt über dem Höchstwert; %3 wird verwendet.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a yes/no value; accepted: true, false, 1, 0.</source>
        <translation>%1: „%2“ ist kein Ja/Nein-Wert; zulässig: true, false, 1, 0.</translation>
    </message>
    <message>
        <source>DATABASE_URL: not a URL; expected postgresql://user:password@host:5432/database.</source>
        <translation>DATABASE_URL: keine URL; erwartet wird postgresql://benutzer:passwort@host:5432/datenbank.</translation>
    </message>
    <message>
        <source>DATABASE_URL: unknown scheme &quot;%1&quot;; accepted: postgresql://, postgres://.</source>
        <translation>DATABASE_URL: unbekanntes Schema „%1“; zulässig: postgresql://, postgres://.</translation>
    </message>
    <message>
        <source>DATABASE_URL: host &quot;%1&quot; has no closing bracket.</source>
        <translation>DATABASE_URL: Beim Host „%1“ fehlt die schließende Klammer.</translation>
    </message>
    <message>
        <source>DATABASE_URL: port &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>DATABASE_URL: Port „%1“ ist ungültig; zulässig: 1 bis 65535.</translation>
    </message>
    <message>
        <source>DATABASE_URL sslmode: &quot;%1&quot; is not valid; accepted: %2.</source>
        <translation>DATABASE_URL sslmode: „%1“ ist ungültig; zulässig: %2.</translation>
    </message>
    <message>
        <source>DATABASE_URL port: &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>DATABASE_URL port: „%1“ ist ungültig; zulässig: 1 bis 65535.</translation>
    </message>
    <message>
        <source>DATABASE_URL %1: not used by this program; ignored.</source>
        <translation>DATABASE_URL %1: von diesem Programm nicht verwendet; ignoriert.</translation>
    </message>
    <message>
        <source>DATABASE_URL: unknown parameter &quot;%1&quot; ignored.</source>
        <translation>DATABASE_URL: unbekannter Parameter „%1“ ignoriert.</translation>
    </message>
    <message>
        <source>saved setting %1</source>
        <translation>gespeicherte Einstellung %1</translation>
    </message>
</context>
<context>
    <name>DatabaseHealthWatcher</name>
    <message>
        <source>Checking the database…</source>
        <translation>Datenbank wird geprüft …</translation>
    </message>
    <message>
        <source>Database busy: all %1 connections are in use.</source>
        <translation>Datenbank ausgelastet: Alle %1 Verbindungen sind belegt.</translation>
    </message>
    <message>
        <source>Database unavailable: %1</source>
        <translation>Datenbank nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Checking again every %1 s.</source>
        <translation>Erneute Prüfung alle %1 s.</translation>
    </message>
    <message>
        <source>Last reached at %1.</source>
        <translation>Zuletzt erreicht um %1.</translation>
    </message>
    <message>
        <source>Database connected (PostgreSQL %1), answered in %2 ms.</source>
        <translation>Datenbank verbunden (PostgreSQL %1), Antwort in %2 ms.</translation>
    </message>
    <message>
        <source>Connections in use: %1 of %2.</source>
        <translation>Belegte Verbindungen: %1 von %2.</translation>
    </message>
    <message>
        <source>Average query: %1 ms; errors: %2 %.</source>
        <translation>Durchschnittliche Abfrage: %1 ms; Fehler: %2 %.</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alarm: %1</translation>
    </message>
</context>
<context>
    <name>DatabaseSettingsDialog</name>
    <message>
        <source>Database settings</source>
        <translation>Datenbankeinstellungen</translation>
    </message>
    <message>
        <source>DATABASE_URL is set for this program; it takes precedence over the settings saved here.</source>
        <translation>Für dieses Programm ist DATABASE_URL gesetzt; es hat Vorrang vor den hier gespeicherten Einstellungen.</translation>
    </message>
    <message>
        <source>Now using the database built into this computer. Enter a database server to share one database between desks.</source>
        <translation>Zurzeit wird die in diesen Computer eingebaute Datenbank verwendet. Geben Sie einen Datenbankserver an, damit mehrere Kassenplätze eine Datenbank gemeinsam nutzen.</translation>
    </message>
    <message>
        <source>Now using %1.</source>
        <translation>Zurzeit wird %1 verwendet.</translation>
    </message>
    <message>
        <source>Saved changes take effect the next time CarWash Desk starts.</source>
        <translation>Gespeicherte Änderungen gelten ab dem nächsten Start von CarWash Desk.</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>host name, IP address or socket folder</source>
        <translation>Hostname, IP-Adresse oder Socket-Ordner</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Database name</source>
        <translation>Datenbankname</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Kept in the operating system&apos;s keychain, never in a file.</source>
        <translation>Wird im Schlüsselbund des Betriebssystems aufbewahrt, nie in einer Datei.</translation>
    </message>
    <message>
        <source>SSL mode</source>
        <translation>SSL-Modus</translation>
    </message>
    <message>
        <source>Default (prefer)</source>
        <translation>Standard (prefer)</translation>
    </message>
    <message>
        <source>Keychain</source>
        <translation>Schlüsselbund</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Datenbank:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>SS&amp;L-Modus:</translation>
    </message>
    <message>
        <source>Most connections at once</source>
        <translation>Höchstzahl gleichzeitiger Verbindungen</translation>
    </message>
    <message>
        <source>Longest wait for a free connection, in seconds</source>
        <translation>Längste Wartezeit auf eine freie Verbindung, in Sekunden</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Longest wait to connect, in seconds</source>
        <translation>Längste Wartezeit beim Verbindungsaufbau, in Sekunden</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>&amp;Most at once:</source>
        <translation>&amp;Höchstens gleichzeitig:</translation>
    </message>
    <message>
        <source>Wait for a free one &amp;up to:</source>
        <translation>&amp;Auf freie Verbindung warten bis:</translation>
    </message>
    <message>
        <source>Wait to &amp;connect up to:</source>
        <translation>Auf Verbindungsaufbau warten &amp;bis:</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Without a keychain the password cannot be saved. Instead, start CarWash Desk with the password in its environment: %1</source>
        <translation>Ohne Schlüsselbund kann das Passwort nicht gespeichert werden. Starten Sie CarWash Desk stattdessen mit dem Passwort in der Umgebung: %1</translation>
    </message>
    <message>
        <source>No keychain service is available on this computer. %1
%2</source>
        <translation>Auf diesem Computer ist kein Schlüsselbunddienst verfügbar. %1
%2</translation>
    </message>
    <message>
        <source>%1 Unlock the keychain (sign in to the desktop again) and retry.
%2</source>
        <translation>%1 Entsperren Sie den Schlüsselbund (melden Sie sich erneut am Desktop an) und versuchen Sie es noch einmal.
%2</translation>
    </message>
    <message>
        <source>Looking for a saved password in the keychain…</source>
        <translation>Gespeichertes Passwort wird im Schlüsselbund gesucht …</translation>
    </message>
    <message>
        <source>A password for this database is saved in the keychain.</source>
        <translation>Für diese Datenbank ist ein Passwort im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <source>No password is saved in the keychain for this database.</source>
        <translation>Für diese Datenbank ist kein Passwort im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird hergestellt …</translation>
    </message>
    <message>
        <source>Could not connect to %1.
What failed: %2
%3</source>
        <translation>Keine Verbindung zu %1 möglich.
Fehlgeschlagen: %2
%3</translation>
    </message>
    <message>
        <source>Connected to PostgreSQL %1 at %2 in %3 ms.</source>
        <translation>Verbunden mit PostgreSQL %1 auf %2 in %3 ms.</translation>
    </message>
    <message>
        <source>The database is empty; CarWash Desk sets it up when it starts with these settings.</source>
        <translation>Die Datenbank ist leer; CarWash Desk richtet sie ein, wenn es mit diesen Einstellungen startet.</translation>
    </message>
    <message>
        <source>It holds CarWash Desk data (schema version %1).</source>
        <translation>Sie enthält Daten von CarWash Desk (Schemaversion %1).</translation>
    </message>
    <message>
        <source>Enter the database server: a host name, an IP address or a socket folder.</source>
        <translation>Geben Sie den Datenbankserver ein: einen Hostnamen, eine IP-Adresse oder einen Socket-Ordner.</translation>
    </message>
    <message>
        <source>Enter the name of the database.</source>
        <translation>Geben Sie den Namen der Datenbank ein.</translation>
    </message>
    <message>
        <source>Enter the database user.</source>
        <translation>Geben Sie den Datenbankbenutzer ein.</translation>
    </message>
    <message>
        <source>The settings could not be written to %1.</source>
        <translation>Die Einstellungen konnten nicht in %1 geschrieben werden.</translation>
    </message>
    <message>
        <source>Saving the password in the keychain…</source>
        <translation>Passwort wird im Schlüsselbund gespeichert …</translation>
    </message>
    <message>
        <source>Saved, without a password. They take effect the next time CarWash Desk starts.</source>
        <translation>Gespeichert, ohne Passwort. Die Einstellungen gelten ab dem nächsten Start von CarWash Desk.</translation>
    </message>
    <message>
        <source>Saved, with the password in the keychain. They take effect the next time CarWash Desk starts.</source>
        <translation>Gespeichert, mit dem Passwort im Schlüsselbund. Die Einstellungen gelten ab dem nächsten Start von CarWash Desk.</translation>
    </message>
    <message>
        <source>The settings were saved, but not the password.
%1</source>
        <translation>Die Einstellungen wurden gespeichert, das Passwort aber nicht.
%1</translation>
    </message>
</context>
<context>
    <name>DatabaseStatusIndicator</name>
    <message>
        <source>Database status</source>
        <translation>Datenbankstatus</translation>
    </message>
    <message>
        <source>Database: checking</source>
        <translation>Datenbank: wird geprüft</translation>
    </message>
    <message>
        <source>Database OK</source>
        <translation>Datenbank OK</translation>
    </message>
    <message>
        <source>Database slow</source>
        <translation>Datenbank langsam</translation>
    </message>
    <message>
        <source>Database unavailable</source>
        <translation>Datenbank nicht verfügbar</translation>
    </message>
</context>
<context>
    <name>DbError</name>
    <message>
        <source>The database is unavailable. The program keeps retrying; check that the database server is running.</source>
        <translation>Die Datenbank ist nicht verfügbar. Das Programm versucht es weiter; prüfen Sie, ob der Datenbankserver läuft.</translation>
    </message>
    <message>
        <source>The database was busy and the action could not finish. Please try again.</source>
        <translation>Die Datenbank war ausgelastet und die Aktion konnte nicht abgeschlossen werden. Bitte versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>That time slot was just taken.</source>
        <translation>Dieser Termin wurde gerade vergeben.</translation>
    </message>
    <message>
        <source>That record already exists.</source>
        <translation>Dieser Eintrag existiert bereits.</translation>
    </message>
    <message>
        <source>The database refused the change because it breaks a rule.</source>
        <translation>Die Datenbank hat die Änderung abgelehnt, weil sie gegen eine Regel verstößt.</translation>
    </message>
    <message>
        <source>The database reported an error.</source>
        <translation>Die Datenbank hat einen Fehler gemeldet.</translation>
    </message>
    <message>
        <source>No result.</source>
        <translation>Kein Ergebnis.</translation>
    </message>
    <message>
        <source>The database is busy: no connection became free within %1 s. Please try again.</source>
        <translation>Die Datenbank ist ausgelastet: Innerhalb von %1 s wurde keine Verbindung frei. Bitte versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The program is closing; the action was not run.</source>
        <translation>Das Programm wird beendet; die Aktion wurde nicht ausgeführt.</translation>
    </message>
    <message>
        <source>The PostgreSQL driver for Qt is missing. Install the package libqt6sql6-psql.</source>
        <translation>Der PostgreSQL-Treiber für Qt fehlt. Installieren Sie das Paket libqt6sql6-psql.</translation>
    </message>
    <message>
        <source>An internal error stopped the action.</source>
        <translation>Ein interner Fehler hat die Aktion abgebrochen.</translation>
    </message>
    <message>
        <source>Nothing was found.</source>
        <translation>Es wurde nichts gefunden.</translation>
    </message>
</context>
<context>
    <name>DemoSeeder</name>
    <message>
        <source>Express Exterior</source>
        <translation>Express Außenwäsche</translation>
    </message>
    <message>
        <source>Soft-touch tunnel wash, spot-free rinse and power dry.</source>
        <translation>Waschstraße mit schonenden Textilbürsten, fleckenfreie Klarspülung und Power-Trocknung.</translation>
    </message>
    <message>
        <source>Deluxe Wash</source>
        <translation>Deluxe-Wäsche</translation>
    </message>
    <message>
        <source>Express plus underbody flush, triple-foam polish and wheel cleaner.</source>
        <translation>Express plus Unterbodenwäsche, Dreifach-Schaumpolitur und Felgenreiniger.</translation>
    </message>
    <message>
        <source>Ultimate Shine</source>
        <translation>Premium-Glanz</translation>
    </message>
    <message>
        <source>Deluxe plus hot carnauba wax, ceramic sealant, tyre shine and rain repellent.</source>
        <translation>Deluxe plus Carnauba-Heißwachs, Keramikversiegelung, Reifenglanz und Regenabweiser.</translation>
    </message>
    <message>
        <source>Interior Detail</source>
        <translation>Innenaufbereitung</translation>
    </message>
    <message>
        <source>Deep vacuum, seats and mats shampooed, dash and console cleaned, windows inside and out.</source>
        <translation>Gründliches Aussaugen, Sitze und Fußmatten shampooniert, Armaturenbrett und Mittelkonsole gereinigt, Scheiben innen und außen.</translation>
    </message>
    <message>
        <source>Full Detail</source>
        <translation>Komplettaufbereitung</translation>
    </message>
    <message>
        <source>Hand wash, clay bar and hand wax outside, the complete interior detail inside.</source>
        <translation>Außen Handwäsche, Reinigungsknete und Handwachs, innen die komplette Innenaufbereitung.</translation>
    </message>
    <message>
        <source>Tyre Shine</source>
        <translation>Reifenglanz</translation>
    </message>
    <message>
        <source>Hot Carnauba Wax</source>
        <translation>Carnauba-Heißwachs</translation>
    </message>
    <message>
        <source>Rain Repellent Glass Treatment</source>
        <translation>Regenabweisende Scheibenversiegelung</translation>
    </message>
    <message>
        <source>Pet Hair Removal</source>
        <translation>Tierhaarentfernung</translation>
    </message>
    <message>
        <source>Odour Eliminator</source>
        <translation>Geruchsneutralisierung</translation>
    </message>
    <message>
        <source>Leather Conditioning</source>
        <translation>Lederpflege</translation>
    </message>
    <message>
        <source>Engine Bay Detail</source>
        <translation>Motorraumreinigung</translation>
    </message>
    <message>
        <source>Tunnel Lane 1</source>
        <translation>Waschstraße 1</translation>
    </message>
    <message>
        <source>Tunnel Lane 2</source>
        <translation>Waschstraße 2</translation>
    </message>
    <message>
        <source>Detail Bay A</source>
        <translation>Aufbereitungsplatz A</translation>
    </message>
    <message>
        <source>Detail Bay B</source>
        <translation>Aufbereitungsplatz B</translation>
    </message>
    <message>
        <source>Christmas Day</source>
        <translation>1. Weihnachtstag</translation>
    </message>
    <message>
        <source>New Year&apos;s Day</source>
        <translation>Neujahr</translation>
    </message>
    <message>
        <source>Sparkle Auto Spa</source>
        <translation>Sparkle Autopflege</translation>
    </message>
</context>
<context>
    <name>DeskApplication</name>
    <message>
        <source>Reading the settings…</source>
        <translation>Einstellungen werden gelesen …</translation>
    </message>
    <message>
        <source>The database settings are not valid: %1</source>
        <translation>Die Datenbankeinstellungen sind ungültig: %1</translation>
    </message>
    <message>
        <source>Correct DATABASE_URL or the variables named above, then press Retry.</source>
        <translation>Korrigieren Sie DATABASE_URL oder die oben genannten Variablen und klicken Sie dann auf „Wiederholen“.</translation>
    </message>
    <message>
        <source>Reading the database password from the keychain…</source>
        <translation>Datenbankpasswort wird aus dem Schlüsselbund gelesen …</translation>
    </message>
    <message>
        <source>Starting the database…</source>
        <translation>Datenbank wird gestartet …</translation>
    </message>
    <message>
        <source>Connecting to the database at %1…</source>
        <translation>Verbindung zur Datenbank auf %1 wird hergestellt …</translation>
    </message>
    <message>
        <source>Preparing the database…</source>
        <translation>Datenbank wird vorbereitet …</translation>
    </message>
    <message>
        <source>the database on this computer</source>
        <translation>die Datenbank auf diesem Computer</translation>
    </message>
    <message>
        <source>CarWash Desk cannot reach its database (%1).</source>
        <translation>CarWash Desk erreicht seine Datenbank nicht (%1).</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Not connected to the database.</source>
        <translation>Nicht mit der Datenbank verbunden.</translation>
    </message>
    <message>
        <source>Database unavailable — retrying</source>
        <translation>Datenbank nicht verfügbar – neuer Versuch läuft</translation>
    </message>
    <message>
        <source>CarWash Desk checks again every few seconds and carries on by itself when the database is back; what is on screen stays as it was. If this lasts, check that the database server is running and this computer is on the network.</source>
        <translation>CarWash Desk prüft alle paar Sekunden erneut und arbeitet von selbst weiter, sobald die Datenbank wieder da ist; die Anzeige bleibt so lange unverändert. Hält dies an, prüfen Sie, ob der Datenbankserver läuft und dieser Computer mit dem Netzwerk verbunden ist.</translation>
    </message>
    <message>
        <source>CarWash Desk — %1</source>
        <translation>CarWash Desk – %1</translation>
    </message>
    <message>
        <source>%1 was signed out after %2 min without activity.</source>
        <translation>%1 wurde nach %2 Min. ohne Aktivität abgemeldet.</translation>
    </message>
</context>
<context>
    <name>EmbeddedServer</name>
    <message>
        <source>The Qt PostgreSQL driver is missing; install it with: apt-get install libqt6sql6-psql</source>
        <translation>Der PostgreSQL-Treiber für Qt fehlt; installieren Sie ihn mit: apt-get install libqt6sql6-psql</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the private database; check that it is writable.</source>
        <translation>Der Ordner %1 für die private Datenbank kann nicht angelegt werden; prüfen Sie, ob er beschreibbar ist.</translation>
    </message>
    <message>
        <source>The private database server did not stop. Read %1 for the reason, then try again.</source>
        <translation>Der private Datenbankserver hat nicht angehalten. Den Grund finden Sie in %1; versuchen Sie es danach erneut.</translation>
    </message>
    <message>
        <source>PostgreSQL server binaries not found; install them with: apt-get install postgresql postgresql-contrib</source>
        <translation>Die Programme des PostgreSQL-Servers wurden nicht gefunden; installieren Sie sie mit: apt-get install postgresql postgresql-contrib</translation>
    </message>
    <message>
        <source>The private database was created by PostgreSQL %1, but the installed server is PostgreSQL %2; install the matching server with: apt-get install postgresql-%1</source>
        <translation>Die private Datenbank wurde von PostgreSQL %1 angelegt, installiert ist aber PostgreSQL %2; installieren Sie den passenden Server mit: apt-get install postgresql-%1</translation>
    </message>
    <message>
        <source>PostgreSQL refuses to run as root and the postgres system user does not exist; install the server with: apt-get install postgresql postgresql-contrib, or run the program as an ordinary user.</source>
        <translation>PostgreSQL läuft nicht als root, und der Systembenutzer postgres existiert nicht; installieren Sie den Server mit: apt-get install postgresql postgresql-contrib, oder starten Sie das Programm als normaler Benutzer.</translation>
    </message>
    <message>
        <source>PostgreSQL refuses to run as root, and runuser, needed to start it as the postgres user, is missing; install it with: apt-get install util-linux</source>
        <translation>PostgreSQL läuft nicht als root, und runuser, das zum Start als Benutzer postgres nötig ist, fehlt; installieren Sie es mit: apt-get install util-linux</translation>
    </message>
    <message>
        <source>Cannot prepare the folder %1 for the private database; check its owner and permissions, or remove it and start the program again.</source>
        <translation>Der Ordner %1 kann nicht für die private Datenbank vorbereitet werden; prüfen Sie Eigentümer und Rechte, oder entfernen Sie ihn und starten Sie das Programm erneut.</translation>
    </message>
    <message>
        <source>CarWash Desk keeps its private PostgreSQL database in the folder above. PostgreSQL refuses to run as root, so the server runs as the postgres system user, which cannot enter this folder.</source>
        <translation>CarWash Desk legt seine private PostgreSQL-Datenbank im oben genannten Ordner ab. PostgreSQL läuft nicht als root, daher läuft der Server als Systembenutzer postgres, und dieser kann den Ordner nicht betreten.</translation>
    </message>
    <message>
        <source>The folder %1 is not empty but holds no PostgreSQL database; move it away and start the program again.</source>
        <translation>Der Ordner %1 ist nicht leer, enthält aber keine PostgreSQL-Datenbank; verschieben Sie ihn und starten Sie das Programm erneut.</translation>
    </message>
    <message>
        <source>The private database could not be created in %1. Check that the disk has free space and the folder is writable, then start the program again.</source>
        <translation>Die private Datenbank konnte in %1 nicht angelegt werden. Prüfen Sie, ob auf dem Datenträger Platz frei und der Ordner beschreibbar ist, und starten Sie das Programm erneut.</translation>
    </message>
    <message>
        <source>Cannot write the settings of the private database in %1; check that the disk has free space.</source>
        <translation>Die Einstellungen der privaten Datenbank in %1 können nicht geschrieben werden; prüfen Sie, ob auf dem Datenträger Platz frei ist.</translation>
    </message>
    <message>
        <source>Cannot move the new database into %1; check the folder&apos;s permissions.</source>
        <translation>Die neue Datenbank kann nicht nach %1 verschoben werden; prüfen Sie die Rechte des Ordners.</translation>
    </message>
    <message>
        <source>Cannot give the settings file %1 to the postgres user.</source>
        <translation>Die Einstellungsdatei %1 kann nicht dem Benutzer postgres übergeben werden.</translation>
    </message>
    <message>
        <source>Processes of an earlier database server are still running in %1; wait a moment or end them, then start the program again.</source>
        <translation>In %1 laufen noch Prozesse eines früheren Datenbankservers; warten Sie einen Moment oder beenden Sie sie, und starten Sie das Programm dann erneut.</translation>
    </message>
    <message>
        <source>The private database server did not start. Read %1 for the reason; if the disk is full or the folder is not writable, fix that and start the program again.</source>
        <translation>Der private Datenbankserver ist nicht gestartet. Den Grund finden Sie in %1; ist der Datenträger voll oder der Ordner nicht beschreibbar, beheben Sie das und starten Sie das Programm erneut.</translation>
    </message>
    <message>
        <source>The private database server is running but does not accept connections. Read %1 for the reason, then start the program again.</source>
        <translation>Der private Datenbankserver läuft, nimmt aber keine Verbindungen an. Den Grund finden Sie in %1; starten Sie das Programm danach erneut.</translation>
    </message>
    <message>
        <source>The PostgreSQL extension btree_gist is missing; install it with: apt-get install postgresql-contrib</source>
        <translation>Die PostgreSQL-Erweiterung btree_gist fehlt; installieren Sie sie mit: apt-get install postgresql-contrib</translation>
    </message>
    <message>
        <source>Cannot create the lock file %1; check that the folder is writable.</source>
        <translation>Die Sperrdatei %1 kann nicht angelegt werden; prüfen Sie, ob der Ordner beschreibbar ist.</translation>
    </message>
    <message>
        <source>Another CarWash Desk program is still starting or stopping the private database. Wait a moment and try again; if this persists, close the other programs and remove %1.</source>
        <translation>Ein anderes CarWash-Desk-Programm startet oder stoppt gerade die private Datenbank. Warten Sie einen Moment und versuchen Sie es erneut; hält das an, schließen Sie die anderen Programme und entfernen Sie %1.</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation>Diese Meldung schließen</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Check that the database server is running and this computer is on the network, then press Retry.</source>
        <translation>Prüfen Sie, ob der Datenbankserver läuft und dieser Computer mit dem Netzwerk verbunden ist, und klicken Sie dann auf „Wiederholen“.</translation>
    </message>
    <message>
        <source>The database is busy. Wait a moment and press Retry.</source>
        <translation>Die Datenbank ist ausgelastet. Warten Sie einen Moment und klicken Sie auf „Wiederholen“.</translation>
    </message>
    <message>
        <source>The database settings are not right. A manager can correct them under Settings, or start the program with DATABASE_URL set.</source>
        <translation>Die Datenbankeinstellungen stimmen nicht. Ein Manager kann sie unter „Einstellungen“ korrigieren, oder starten Sie das Programm mit gesetzter DATABASE_URL.</translation>
    </message>
    <message>
        <source>The program is closing.</source>
        <translation>Das Programm wird beendet.</translation>
    </message>
    <message>
        <source>Check what you entered and try again.</source>
        <translation>Prüfen Sie Ihre Eingabe und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Press Retry. If it happens again, tell your manager: %1</source>
        <translation>Klicken Sie auf „Wiederholen“. Passiert es wieder, sagen Sie Ihrem Manager Bescheid: %1</translation>
    </message>
    <message>
        <source>%1
Detail: %2</source>
        <translation>%1
Details: %2</translation>
    </message>
</context>
<context>
    <name>KeychainRequest</name>
    <message>
        <source>There is no desktop session bus (D-Bus) to reach a keychain through (%1).</source>
        <translation>Es gibt keinen Sitzungsbus des Desktops (D-Bus), über den ein Schlüsselbund erreichbar wäre (%1).</translation>
    </message>
    <message>
        <source>The desktop session bus (D-Bus) does not answer.</source>
        <translation>Der Sitzungsbus des Desktops (D-Bus) antwortet nicht.</translation>
    </message>
    <message>
        <source>No keychain service (GNOME Keyring, KWallet or another Secret Service) runs in this session.</source>
        <translation>In dieser Sitzung läuft kein Schlüsselbunddienst (GNOME Keyring, KWallet oder ein anderer Secret Service).</translation>
    </message>
    <message numerus="yes">
        <source>The keychain did not answer within %n second(s). It may be locked and waiting for a password prompt that nobody can see.</source>
        <translation>
            <numerusform>Der Schlüsselbund hat nicht innerhalb von %n Sekunde geantwortet. Vielleicht ist er gesperrt und wartet auf eine Passwortabfrage, die niemand sieht.</numerusform>
            <numerusform>Der Schlüsselbund hat nicht innerhalb von %n Sekunden geantwortet. Vielleicht ist er gesperrt und wartet auf eine Passwortabfrage, die niemand sieht.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing is stored in the keychain under %1.</source>
        <translation>Im Schlüsselbund ist unter %1 nichts gespeichert.</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert: %1</translation>
    </message>
    <message>
        <source>No keychain service is available: %1</source>
        <translation>Kein Schlüsselbunddienst verfügbar: %1</translation>
    </message>
    <message>
        <source>The keychain reported an error: %1</source>
        <translation>Der Schlüsselbund hat einen Fehler gemeldet: %1</translation>
    </message>
</context>
<context>
    <name>Migrator</name>
    <message>
        <source>The program carries a badly named migration file (%1).</source>
        <translation>Das Programm enthält eine falsch benannte Migrationsdatei (%1).</translation>
    </message>
    <message>
        <source>The program carries two migrations numbered %1.</source>
        <translation>Das Programm enthält zwei Migrationen mit der Nummer %1.</translation>
    </message>
    <message>
        <source>The program carries no database migrations.</source>
        <translation>Das Programm enthält keine Datenbankmigrationen.</translation>
    </message>
    <message>
        <source>The migration %1 could not be read.</source>
        <translation>Die Migration %1 konnte nicht gelesen werden.</translation>
    </message>
</context>
<context>
    <name>OpeningHours</name>
    <message>
        <source>Accepted: HH:MM-HH:MM, several separated by commas for breaks (for example 08:00-12:00,12:30-19:00; 24:00 may close a day), or &quot;closed&quot;.</source>
        <translation>Zulässig: HH:MM-HH:MM, für Pausen mehrere durch Kommas getrennt (zum Beispiel 08:00-12:00,12:30-19:00; 24:00 darf einen Tag beenden), oder „closed“.</translation>
    </message>
    <message>
        <source>The opening hours are empty. %1</source>
        <translation>Die Öffnungszeiten sind leer. %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time range. %2</source>
        <translation>„%1“ ist kein Zeitraum. %2</translation>
    </message>
    <message>
        <source>In &quot;%1&quot; the closing time is not after the opening time. %2</source>
        <translation>In „%1“ liegt die Schließzeit nicht nach der Öffnungszeit. %2</translation>
    </message>
    <message>
        <source>The ranges %1-%2 and %3-%4 overlap. %5</source>
        <translation>Die Zeiträume %1-%2 und %3-%4 überschneiden sich. %5</translation>
    </message>
</context>
<context>
    <name>PlanningContext</name>
    <message>
        <source>There is no service with ID %1 (see: carwash-admin services).</source>
        <translation>Es gibt keine Leistung mit der ID %1 (siehe: carwash-admin services).</translation>
    </message>
    <message>
        <source>%1 is not offered at the moment.</source>
        <translation>%1 wird derzeit nicht angeboten.</translation>
    </message>
    <message>
        <source>%1 has no prices yet, so it cannot be booked.</source>
        <translation>Für %1 gibt es noch keine Preise, daher kann es nicht gebucht werden.</translation>
    </message>
    <message>
        <source>%1 is not offered for a %2; it is offered for: %3.</source>
        <translation>%1 wird für die Fahrzeugklasse %2 nicht angeboten; angeboten für: %3.</translation>
    </message>
    <message>
        <source>There is no add-on with ID %1.</source>
        <translation>Es gibt keine Zusatzleistung mit der ID %1.</translation>
    </message>
    <message>
        <source>%1 cannot be added to %2 (see: carwash-admin service %3).</source>
        <translation>%1 kann nicht zu %2 hinzugebucht werden (siehe: carwash-admin service %3).</translation>
    </message>
    <message>
        <source>There is no bay with ID %1.</source>
        <translation>Es gibt keinen Waschplatz mit der ID %1.</translation>
    </message>
    <message>
        <source>%1 is closed at the moment.</source>
        <translation>%1 ist derzeit geschlossen.</translation>
    </message>
    <message>
        <source>%1 does not offer %2.</source>
        <translation>%1 bietet %2 nicht an.</translation>
    </message>
</context>
<context>
    <name>SessionHeader</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Angemeldet</translation>
    </message>
    <message>
        <source>S&amp;taff…</source>
        <translation>&amp;Personal …</translation>
    </message>
    <message>
        <source>Manage staff</source>
        <translation>Personal verwalten</translation>
    </message>
    <message>
        <source>Add people and reset PINs (managers)</source>
        <translation>Personen hinzufügen und PINs zurücksetzen (Manager)</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Database settings</source>
        <translation>Datenbankeinstellungen</translation>
    </message>
    <message>
        <source>Database connection and password (managers)</source>
        <translation>Datenbankverbindung und Passwort (Manager)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Sign out (Ctrl+Shift+L)</source>
        <translation>Abmelden (Strg+Umschalt+L)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Who is signing in?</source>
        <translation>Wer meldet sich an?</translation>
    </message>
    <message>
        <source>Choose your name, type your PIN and press Enter.</source>
        <translation>Wählen Sie Ihren Namen, geben Sie Ihre PIN ein und drücken Sie die Eingabetaste.</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Choose your name, then type your PIN.</source>
        <translation>Wählen Sie Ihren Namen und geben Sie dann Ihre PIN ein.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits; press Enter to sign in.</source>
        <translation>%1 bis %2 Ziffern; zum Anmelden die Eingabetaste drücken.</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>%1 bis %2 Ziffern</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Anmelden</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Sign-in message</source>
        <translation>Anmeldemeldung</translation>
    </message>
    <message>
        <source>Loading staff…</source>
        <translation>Personal wird geladen …</translation>
    </message>
    <message>
        <source>The staff list could not be loaded. %1</source>
        <translation>Die Personalliste konnte nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>Nobody can sign in yet: the staff list is empty. For a demo car wash, run &quot;carwash-admin seed --demo&quot;; otherwise ask your administrator.</source>
        <translation>Noch kann sich niemand anmelden: Die Personalliste ist leer. Für eine Demo-Waschanlage führen Sie „carwash-admin seed --demo“ aus; andernfalls wenden Sie sich an Ihren Administrator.</translation>
    </message>
    <message>
        <source>Locked, %1 left</source>
        <translation>Gesperrt, noch %1</translation>
    </message>
    <message>
        <source>%1 is locked after %2 wrong PINs. Try again in %3, or ask a manager to reset the PIN.</source>
        <translation>%1 ist nach %2 falschen PINs gesperrt. Versuchen Sie es in %3 erneut, oder bitten Sie einen Manager, die PIN zurückzusetzen.</translation>
    </message>
    <message>
        <source>Checking PIN…</source>
        <translation>PIN wird geprüft …</translation>
    </message>
    <message>
        <source>Choose your name in the list first.</source>
        <translation>Wählen Sie zuerst Ihren Namen in der Liste.</translation>
    </message>
    <message>
        <source>Type your PIN: %1 to %2 digits.</source>
        <translation>Geben Sie Ihre PIN ein: %1 bis %2 Ziffern.</translation>
    </message>
    <message>
        <source>Signing in failed. %1</source>
        <translation>Anmeldung fehlgeschlagen. %1</translation>
    </message>
    <message numerus="yes">
        <source>That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.</source>
        <translation>
            <numerusform>Diese PIN ist nicht richtig. Noch %n falsche PIN, und %1 wird für %2 Minuten gesperrt.</numerusform>
            <numerusform>Diese PIN ist nicht richtig. Noch %n falsche PINs, und %1 wird für %2 Minuten gesperrt.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 can no longer sign in here. Ask a manager.</source>
        <translation>%1 kann sich hier nicht mehr anmelden. Wenden Sie sich an einen Manager.</translation>
    </message>
</context>
<context>
    <name>SiteSettings</name>
    <message>
        <source>an IANA time zone such as Europe/Berlin or America/New_York</source>
        <translation>eine IANA-Zeitzone wie Europe/Berlin oder Europe/Vienna</translation>
    </message>
    <message>
        <source>a whole number from %1 to %2</source>
        <translation>eine ganze Zahl von %1 bis %2</translation>
    </message>
    <message>
        <source>the site&apos;s time zone; opening hours and slots are in it</source>
        <translation>die Zeitzone des Standorts; Öffnungszeiten und Termine gelten in ihr</translation>
    </message>
    <message>
        <source>minutes between possible start times</source>
        <translation>Minuten zwischen möglichen Startzeiten</translation>
    </message>
    <message>
        <source>cleanup minutes a bay stays busy after each booking</source>
        <translation>Minuten zum Aufräumen, die ein Waschplatz nach jeder Buchung belegt bleibt</translation>
    </message>
    <message>
        <source>minutes between now and the earliest bookable start</source>
        <translation>Minuten zwischen jetzt und dem frühesten buchbaren Start</translation>
    </message>
    <message>
        <source>how many days ahead bookings may be made</source>
        <translation>wie viele Tage im Voraus gebucht werden kann</translation>
    </message>
    <message>
        <source>minutes an unpaid kiosk hold keeps its slot</source>
        <translation>Minuten, die eine unbezahlte Kiosk-Reservierung ihren Termin freihält</translation>
    </message>
    <message>
        <source>Unknown setting &quot;%1&quot;. Settable keys: %2.</source>
        <translation>Unbekannte Einstellung „%1“. Änderbare Schlüssel: %2.</translation>
    </message>
    <message>
        <source>%1 must be %2; &quot;%3&quot; is not one.</source>
        <translation>%1 muss %2 sein; „%3“ ist keine.</translation>
    </message>
    <message>
        <source>%1 must be %2; &quot;%3&quot; is not.</source>
        <translation>%1 muss %2 sein; „%3“ ist es nicht.</translation>
    </message>
</context>
<context>
    <name>SlotPlanner</name>
    <message>
        <source>The car wash is closed on %1.</source>
        <translation>Die Waschanlage ist am %1 geschlossen.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is too far ahead: bookings can be made up to %n day(s) ahead.</source>
        <translation>
            <numerusform>%1 liegt zu weit in der Zukunft: Buchungen sind bis zu %n Tag im Voraus möglich.</numerusform>
            <numerusform>%1 liegt zu weit in der Zukunft: Buchungen sind bis zu %n Tage im Voraus möglich.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is outside the opening hours of %2 (%3), or the wash would not end by closing time.</source>
        <translation>%1 liegt außerhalb der Öffnungszeiten (%2: %3), oder die Wäsche wäre bis zur Schließung nicht fertig.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is not a start time: starts are every %n minute(s) from the opening time.</source>
        <translation>
            <numerusform>%1 ist keine Startzeit: Starts gibt es im Abstand von %n Minute ab der Öffnungszeit.</numerusform>
            <numerusform>%1 ist keine Startzeit: Starts gibt es im Abstand von %n Minuten ab der Öffnungszeit.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is in the past or sooner than the minimum notice of %n minute(s).</source>
        <translation>
            <numerusform>%1 liegt in der Vergangenheit oder unterschreitet die Mindestvorlaufzeit von %n Minute.</numerusform>
            <numerusform>%1 liegt in der Vergangenheit oder unterschreitet die Mindestvorlaufzeit von %n Minuten.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>&amp;Add person…</source>
        <translation>Person &amp;hinzufügen …</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>Eine Person hinzufügen</translation>
    </message>
    <message>
        <source>&amp;New PIN…</source>
        <translation>&amp;Neue PIN …</translation>
    </message>
    <message>
        <source>Give the selected person a new PIN</source>
        <translation>Der ausgewählten Person eine neue PIN geben</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>The staff list could not be loaded. %1</source>
        <translation>Die Personalliste konnte nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>No longer active</source>
        <translation>Nicht mehr aktiv</translation>
    </message>
    <message>
        <source>Locked, %1 left</source>
        <translation>Gesperrt, noch %1</translation>
    </message>
</context>
<context>
    <name>StaffFormDialog</name>
    <message>
        <source>Add a person</source>
        <translation>Eine Person hinzufügen</translation>
    </message>
    <message>
        <source>New PIN for %1</source>
        <translation>Neue PIN für %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rolle:</translation>
    </message>
    <message>
        <source>%1 (%2). A new PIN also lifts a lock-out.</source>
        <translation>%1 (%2). Eine neue PIN hebt auch eine Sperre auf.</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>%1 bis %2 Ziffern</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>PIN wiederholen</translation>
    </message>
    <message>
        <source>PIN &amp;again:</source>
        <translation>PIN &amp;wiederholen:</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>&amp;Add person</source>
        <translation>Person &amp;hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Set new PIN</source>
        <translation>Neue PIN &amp;festlegen</translation>
    </message>
    <message>
        <source>Type the person&apos;s name.</source>
        <translation>Geben Sie den Namen der Person ein.</translation>
    </message>
    <message>
        <source>The two PINs are not the same. Type it again in both fields.</source>
        <translation>Die beiden PINs stimmen nicht überein. Geben Sie sie in beiden Feldern erneut ein.</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Wird hinzugefügt …</translation>
    </message>
    <message>
        <source>Saving the new PIN…</source>
        <translation>Neue PIN wird gespeichert …</translation>
    </message>
    <message>
        <source>Someone called %1 is already on the staff list.</source>
        <translation>Eine Person namens %1 steht bereits auf der Personalliste.</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>%1 was added (%2).</source>
        <translation>%1 wurde hinzugefügt (%2).</translation>
    </message>
    <message>
        <source>%1 has a new PIN.</source>
        <translation>%1 hat eine neue PIN.</translation>
    </message>
</context>
<context>
    <name>StaffRepo</name>
    <message>
        <source>A PIN is %1 to %2 digits, nothing else.</source>
        <translation>Eine PIN besteht aus %1 bis %2 Ziffern, sonst nichts.</translation>
    </message>
    <message>
        <source>Only a manager who is still active can change staff.</source>
        <translation>Nur ein noch aktiver Manager kann das Personal ändern.</translation>
    </message>
    <message>
        <source>A name is 1 to 100 characters.</source>
        <translation>Ein Name hat 1 bis 100 Zeichen.</translation>
    </message>
    <message>
        <source>That person is no longer on the staff list.</source>
        <translation>Diese Person steht nicht mehr auf der Personalliste.</translation>
    </message>
</context>
<context>
    <name>StaffText</name>
    <message>
        <source>Staff</source>
        <translation>Mitarbeiter</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 Min. %2 s</translation>
    </message>
</context>
<context>
    <name>StartupPage</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Start-up status</source>
        <translation>Startstatus</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>Wash menu</source>
        <translation>Waschprogramme</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Refresh the wash menu</source>
        <translation>Waschprogramme aktualisieren</translation>
    </message>
    <message>
        <source>Load the wash menu again (F5)</source>
        <translation>Waschprogramme neu laden (F5)</translation>
    </message>
    <message>
        <source>Wash packages with their time, price per vehicle and add-ons</source>
        <translation>Waschprogramme mit Dauer, Preis je Fahrzeugklasse und Zusatzleistungen</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Waschprogramm</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Car</source>
        <translation>Pkw</translation>
    </message>
    <message>
        <source>SUV</source>
        <translation>SUV</translation>
    </message>
    <message>
        <source>Truck</source>
        <translation>Transporter</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Zusatzleistungen</translation>
    </message>
    <message>
        <source>No wash packages are set up yet. Ask your manager to add them.</source>
        <translation>Es sind noch keine Waschprogramme angelegt. Bitten Sie Ihren Manager, welche hinzuzufügen.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>The wash menu could not be loaded. %1</source>
        <translation>Die Waschprogramme konnten nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>Heute, %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Aktualisiert %1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n Min.</numerusform>
            <numerusform>%n Min.</numerusform>
        </translation>
    </message>
    <message>
        <source>not offered</source>
        <translation>nicht angeboten</translation>
    </message>
    <message>
        <source>%1 +%2</source>
        <translation>%1 +%2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>The front desk of a car wash. Database: DATABASE_URL, the saved settings, or the private database on this computer.</source>
        <translation>Die Empfangstheke einer Waschanlage. Datenbank: DATABASE_URL, die gespeicherten Einstellungen oder die private Datenbank auf diesem Computer.</translation>
    </message>
    <message>
        <source>Save a picture of the window to PATH and quit.</source>
        <translation>Ein Bild des Fensters unter PATH speichern und beenden.</translation>
    </message>
    <message>
        <source>With --screenshot: sign in as NAME (PIN from CARWASH_PIN) first.</source>
        <translation>Mit --screenshot: zuerst als NAME anmelden (PIN aus CARWASH_PIN).</translation>
    </message>
    <message>
        <source>With --screenshot: the state to show: settings or staff (a manager&apos;s dialog), locked (--sign-in NAME with a wrong PIN), start-failure.</source>
        <translation>Mit --screenshot: der zu zeigende Zustand: settings oder staff (ein Dialog für Manager), locked (--sign-in NAME mit falscher PIN), start-failure.</translation>
    </message>
</context>
</TS>
