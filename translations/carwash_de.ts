<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AddonsPage</name>
    <message>
        <source>Add-on name</source>
        <translation>Name der Zusatzleistung</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>Add-on price</source>
        <translation>Preis der Zusatzleistung</translation>
    </message>
    <message>
        <source>Pri&amp;ce:</source>
        <translation>P&amp;reis:</translation>
    </message>
    <message>
        <source>Extra minutes</source>
        <translation>Zusätzliche Minuten</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>E&amp;xtra time:</source>
        <translation>&amp;Zusatzzeit:</translation>
    </message>
    <message>
        <source>&amp;Active (may be ordered)</source>
        <translation>&amp;Aktiv (bestellbar)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Offered with these services</source>
        <translation>Wird mit diesen Leistungen angeboten</translation>
    </message>
    <message>
        <source>Offered &amp;with:</source>
        <translation>Angeboten m&amp;it:</translation>
    </message>
    <message>
        <source>Add-on</source>
        <translation>Zusatzleistung</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Extra time</source>
        <translation>Zusatzzeit</translation>
    </message>
    <message>
        <source>Offered with</source>
        <translation>Angeboten mit</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Zusatzleistungen</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n Min.</numerusform>
            <numerusform>%n Min.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type the price, for example %1.</source>
        <translation>Geben Sie den Preis ein, zum Beispiel %1.</translation>
    </message>
</context>
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
    <message>
        <source>seed --demo | seed --demo-day [--date YYYY-MM-DD] [--json]</source>
        <translation>seed --demo | seed --demo-day [--date JJJJ-MM-TT] [--json]</translation>
    </message>
    <message>
        <source>seed needs --demo (a demo car wash in an empty database) or --demo-day (a day of demo bookings).</source>
        <translation>seed braucht --demo (eine Demo-Waschanlage in einer leeren Datenbank) oder --demo-day (einen Tag mit Demo-Buchungen).</translation>
    </message>
    <message>
        <source>--date goes with --demo-day and takes YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>--date gehört zu --demo-day und erwartet JJJJ-MM-TT (zum Beispiel 2025-06-11), nicht „%1“.</translation>
    </message>
    <message>
        <source>The car wash is closed on %1; no demo bookings were made.</source>
        <translation>Die Waschanlage ist am %1 geschlossen; es wurden keine Demo-Buchungen angelegt.</translation>
    </message>
    <message>
        <source>%1 already has demo bookings; nothing was changed.</source>
        <translation>%1 hat bereits Demo-Buchungen; es wurde nichts geändert.</translation>
    </message>
    <message numerus="yes">
        <source>%n demo booking(s) made for %1.</source>
        <translation>
            <numerusform>%n Demo-Buchung für %1 angelegt.</numerusform>
            <numerusform>%n Demo-Buchungen für %1 angelegt.</numerusform>
        </translation>
    </message>
    <message>
        <source>only when no run started in the last 24 hours</source>
        <translation>nur wenn in den letzten 24 Stunden kein Lauf begonnen hat</translation>
    </message>
    <message>
        <source>rows per DELETE</source>
        <translation>Zeilen pro DELETE</translation>
    </message>
    <message>
        <source>--batch-size must be a whole number from 1 to 100000, not &quot;%1&quot;.</source>
        <translation>--batch-size muss eine ganze Zahl von 1 bis 100000 sein, nicht „%1“.</translation>
    </message>
    <message>
        <source>Maintenance already ran at %1 (%2); nothing was done.</source>
        <translation>Die Wartung lief bereits am %1 (%2); es wurde nichts getan.</translation>
    </message>
    <message>
        <source>%1: removed %2 rows older than %3 days (%4 batches)</source>
        <translation>%1: %2 Zeilen älter als %3 Tage entfernt (%4 Durchgänge)</translation>
    </message>
    <message>
        <source>Processes: none is publishing its health.</source>
        <translation>Prozesse: keiner veröffentlicht seinen Zustand.</translation>
    </message>
    <message>
        <source>Processes: %1 live, %2 lost</source>
        <translation>Prozesse: %1 aktiv, %2 verloren</translation>
    </message>
    <message>
        <source>  %1 on %2, pid %3, since %4: %5</source>
        <translation>  %1 auf %2, PID %3, seit %4: %5</translation>
    </message>
    <message>
        <source>LOST</source>
        <translation>VERLOREN</translation>
    </message>
    <message>
        <source>    last seen %1 s ago; it stopped publishing without signing off</source>
        <translation>    zuletzt vor %1 s gesehen; es hat ohne Abmeldung aufgehört zu veröffentlichen</translation>
    </message>
    <message>
        <source>    pool %1 of %2 in use (%3 %), %4 waiting; queries %5 ms on average, %6 % errors; seen %7 s ago</source>
        <translation>    Pool: %1 von %2 belegt (%3 %), %4 wartend; Abfragen: %5 ms im Schnitt, %6 % Fehler; vor %7 s gesehen</translation>
    </message>
    <message>
        <source>staff list [--json] | staff reset-pin NAME [--json]</source>
        <translation>staff list [--json] | staff reset-pin NAME [--json]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1 (quote a name that contains spaces)</source>
        <translation>Aufruf: carwash-admin %1 (einen Namen mit Leerzeichen in Anführungszeichen setzen)</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>no longer active</source>
        <translation>nicht mehr aktiv</translation>
    </message>
    <message>
        <source>locked for %1 s</source>
        <translation>für %1 s gesperrt</translation>
    </message>
    <message>
        <source>No staff yet. Run: carwash-admin seed --demo</source>
        <translation>Noch keine Mitarbeiter. Ausführen: carwash-admin seed --demo</translation>
    </message>
    <message>
        <source>No one on the staff list is called &quot;%1&quot; (see: carwash-admin staff list).</source>
        <translation>Niemand auf der Mitarbeiterliste heißt „%1“ (siehe: carwash-admin staff list).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; matches %2: give the whole name; nothing was changed.</source>
        <translation>„%1“ passt auf %2: bitte den vollständigen Namen angeben; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>New PIN for %1 (%2): %3</source>
        <translation>Neue PIN für %1 (%2): %3</translation>
    </message>
    <message>
        <source>It is shown only this once; any lock-out is lifted.</source>
        <translation>Sie wird nur dieses eine Mal angezeigt; eine Sperre ist aufgehoben.</translation>
    </message>
    <message>
        <source>payment checkout ID|CODE [--wait SECONDS] [--json] | payment show ID|CODE [--json] | payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SECONDS] [--json] | payment reconcile [--wait SECONDS] [--json]</source>
        <translation>payment checkout ID|CODE [--wait SEKUNDEN] [--json] | payment show ID|CODE [--json] | payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SEKUNDEN] [--json] | payment reconcile [--wait SEKUNDEN] [--json]</translation>
    </message>
    <message>
        <source>in the currency&apos;s units</source>
        <translation>in Einheiten der Währung</translation>
    </message>
    <message>
        <source>seconds to wait for carwash-server</source>
        <translation>Sekunden, die auf carwash-server gewartet wird</translation>
    </message>
    <message>
        <source>--amount and --reason go with payment refund. Usage: carwash-admin %1</source>
        <translation>--amount und --reason gehören zu payment refund. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>--wait takes whole seconds from 1 to 600, not &quot;%1&quot;.</source>
        <translation>--wait nimmt ganze Sekunden von 1 bis 600, nicht „%1“.</translation>
    </message>
    <message>
        <source>--amount must be more than nothing, such as 12.50.</source>
        <translation>--amount muss mehr als nichts sein, etwa 12.50.</translation>
    </message>
    <message>
        <source>Payment request %1 is gone.</source>
        <translation>Die Zahlungsanfrage %1 gibt es nicht mehr.</translation>
    </message>
    <message>
        <source>The payment server could not do it: %1</source>
        <translation>Der Zahlungsserver konnte es nicht ausführen: %1</translation>
    </message>
    <message>
        <source>No carwash-server answering: request %1 got no answer within %2 s. It stays queued and is carried out when a server picks it up; check carwash-admin health.</source>
        <translation>Kein carwash-server antwortet: Anfrage %1 blieb %2 s ohne Antwort. Sie bleibt in der Warteschlange und wird ausgeführt, sobald ein Server sie aufgreift; prüfen Sie carwash-admin health.</translation>
    </message>
    <message>
        <source>The payment server answered without a Checkout link for payment %1.</source>
        <translation>Der Zahlungsserver hat für Zahlung %1 ohne Checkout-Link geantwortet.</translation>
    </message>
    <message>
        <source>Checkout for booking %1: %2, payment %3 (%4)</source>
        <translation>Checkout für Buchung %1: %2, Zahlung %3 (%4)</translation>
    </message>
    <message>
        <source>session %1, open until %2</source>
        <translation>Sitzung %1, offen bis %2</translation>
    </message>
    <message>
        <source>refunded %1</source>
        <translation>%1 erstattet</translation>
    </message>
    <message>
        <source>paid %1</source>
        <translation>bezahlt %1</translation>
    </message>
    <message>
        <source>needs attention: %1</source>
        <translation>braucht Aufmerksamkeit: %1</translation>
    </message>
    <message>
        <source>Booking %1 has no payments.</source>
        <translation>Buchung %1 hat keine Zahlungen.</translation>
    </message>
    <message>
        <source>%1 Nothing was refunded: the refund goes to a card.</source>
        <translation>%1 Nichts wurde erstattet: die Erstattung geht auf eine Karte.</translation>
    </message>
    <message>
        <source>Refund %1: %2 %3 of payment %4 (%5)</source>
        <translation>Erstattung %1: %2 %3 aus Zahlung %4 (%5)</translation>
    </message>
    <message>
        <source>in cash</source>
        <translation>in bar</translation>
    </message>
    <message>
        <source>to the card</source>
        <translation>auf die Karte</translation>
    </message>
    <message>
        <source>Reconciled (request %1).</source>
        <translation>Abgeglichen (Anfrage %1).</translation>
    </message>
    <message>
        <source>reader list [--json] | reader add READER_ID --label L [--desk NAME|--kiosk NAME] [--json] | reader remove READER_ID</source>
        <translation>reader list [--json] | reader add LESEGERÄT_ID --label L [--desk NAME|--kiosk NAME] [--json] | reader remove LESEGERÄT_ID</translation>
    </message>
    <message>
        <source>what people call it</source>
        <translation>wie man es nennt</translation>
    </message>
    <message>
        <source>the desk it serves</source>
        <translation>der Schalter, an dem es dient</translation>
    </message>
    <message>
        <source>the kiosk it serves</source>
        <translation>der Kiosk, an dem es dient</translation>
    </message>
    <message>
        <source>--label is required: what people call the reader.</source>
        <translation>--label ist nötig: wie man das Lesegerät nennt.</translation>
    </message>
    <message>
        <source>A reader serves one desk or one kiosk: give --desk or --kiosk, not both.</source>
        <translation>Ein Lesegerät dient einem Schalter oder einem Kiosk: geben Sie --desk oder --kiosk an, nicht beides.</translation>
    </message>
    <message>
        <source>not assigned</source>
        <translation>nicht zugeordnet</translation>
    </message>
    <message>
        <source>No card readers yet. Add one: carwash-admin reader add tmr_… --label &quot;Front desk&quot; --desk NAME</source>
        <translation>Noch keine Kartenlesegeräte. Eines hinzufügen: carwash-admin reader add tmr_… --label &quot;Empfang&quot; --desk NAME</translation>
    </message>
    <message>
        <source>Reader %1 (%2) added.</source>
        <translation>Lesegerät %1 (%2) hinzugefügt.</translation>
    </message>
    <message>
        <source>Reader %1 removed.</source>
        <translation>Lesegerät %1 entfernt.</translation>
    </message>
    <message>
        <source>takings --date YYYY-MM-DD [--json|--csv]</source>
        <translation>takings --date JJJJ-MM-TT [--json|--csv]</translation>
    </message>
    <message>
        <source>CSV (RFC 4180)</source>
        <translation>CSV (RFC 4180)</translation>
    </message>
    <message>
        <source>Choose --json or --csv, not both.</source>
        <translation>Wählen Sie --json oder --csv, nicht beides.</translation>
    </message>
    <message>
        <source>Takings of %1 (%2)</source>
        <translation>Einnahmen vom %1 (%2)</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>Bar</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>%1: %2 (tax %3) in %4; %5 back in %6; net %7</source>
        <translation>%1: %2 (Steuer %3) in %4; %5 zurück in %6; netto %7</translation>
    </message>
    <message numerus="yes">
        <source>%n payment(s)</source>
        <translation>
            <numerusform>%n Zahlung</numerusform>
            <numerusform>%n Zahlungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refund(s)</source>
        <translation>
            <numerusform>%n Erstattung</numerusform>
            <numerusform>%n Erstattungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Reader %1 (%2) added for the %3.</source>
        <translation>Lesegerät %1 (%2) für %3 hinzugefügt.</translation>
    </message>
    <message>
        <source>%1 &quot;%2&quot;</source>
        <translation>%1 „%2“</translation>
    </message>
    <message>
        <source>no reader</source>
        <translation>kein Lesegerät</translation>
    </message>
    <message>
        <source>kiosk list [--json] | kiosk set NAME [--reader READER_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk] [--json]</source>
        <translation>kiosk list [--json] | kiosk set NAME [--reader LESEGERÄT_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk] [--json]</translation>
    </message>
    <message>
        <source>the kiosk&apos;s card reader</source>
        <translation>das Kartenlesegerät des Kiosks</translation>
    </message>
    <message>
        <source>the kiosk has no reader</source>
        <translation>der Kiosk hat kein Lesegerät</translation>
    </message>
    <message>
        <source>the language it greets customers in</source>
        <translation>die Sprache, in der er Kunden begrüßt</translation>
    </message>
    <message>
        <source>the ways of paying it offers, separated by commas</source>
        <translation>die angebotenen Zahlungsarten, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Give --reader READER_ID or --no-reader, not both.</source>
        <translation>Geben Sie --reader LESEGERÄT_ID oder --no-reader an, nicht beides.</translation>
    </message>
    <message>
        <source>--reader needs a reader ID such as tmr_FDOt2wlRZEdpd7; --no-reader leaves the kiosk without one.</source>
        <translation>--reader braucht eine Lesegerät-ID wie tmr_FDOt2wlRZEdpd7; mit --no-reader bleibt der Kiosk ohne Lesegerät.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>läuft nicht</translation>
    </message>
    <message>
        <source>No kiosks yet. A kiosk adds itself when it first starts (carwash --kiosk), or: carwash-admin kiosk set NAME</source>
        <translation>Noch keine Kiosks. Ein Kiosk trägt sich beim ersten Start selbst ein (carwash --kiosk), oder: carwash-admin kiosk set NAME</translation>
    </message>
    <message>
        <source>Kiosk %1: language %2, pays by %3, %4.</source>
        <translation>Kiosk %1: Sprache %2, Zahlung per %3, %4.</translation>
    </message>
    <message>
        <source>Customer %1 was forgotten before; nothing personal was left to erase.</source>
        <translation>Kunde %1 wurde schon vergessen; es waren keine persönlichen Daten mehr zu löschen.</translation>
    </message>
    <message>
        <source>Customer %1 forgotten: name, phone, e-mail and plates erased; bookings and payments kept for the books.</source>
        <translation>Kunde %1 vergessen: Name, Telefon, E-Mail und Kennzeichen gelöscht; Buchungen und Zahlungen bleiben für die Buchhaltung erhalten.</translation>
    </message>
    <message>
        <source>vehicles anonymised: %1</source>
        <translation>anonymisierte Fahrzeuge: %1</translation>
    </message>
    <message>
        <source>bookings anonymised: %1</source>
        <translation>anonymisierte Buchungen: %1</translation>
    </message>
    <message>
        <source>payments kept: %1</source>
        <translation>erhaltene Zahlungen: %1</translation>
    </message>
    <message>
        <source>Stripe events cleared of the payer&apos;s details: %1</source>
        <translation>Stripe-Ereignisse ohne die Angaben des Zahlers: %1</translation>
    </message>
    <message>
        <source>reasons typed by staff with their details blanked: %1</source>
        <translation>von Mitarbeitern eingegebene Gründe mit geschwärzten Angaben: %1</translation>
    </message>
    <message>
        <source>customer find TEXT [--json] | customer forget ID|PHONE|EMAIL [--dry-run] [--json]</source>
        <translation>customer find TEXT [--json] | customer forget ID|PHONE|EMAIL [--dry-run] [--json]</translation>
    </message>
    <message>
        <source>show who would be forgotten, change nothing</source>
        <translation>zeigen, wer vergessen würde, nichts ändern</translation>
    </message>
    <message>
        <source>Usage: carwash-admin customer forget ID|PHONE|EMAIL [--dry-run] (one customer ID, phone number or e-mail address; quote spaces)</source>
        <translation>Aufruf: carwash-admin customer forget ID|PHONE|EMAIL [--dry-run] (eine Kunden-ID, Telefonnummer oder E-Mail-Adresse; Leerzeichen in Anführungszeichen)</translation>
    </message>
    <message>
        <source>--dry-run goes with customer forget. Usage: carwash-admin %1</source>
        <translation>--dry-run gehört zu customer forget. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>Customer %1 would be forgotten: name, phone, e-mail and plates erased; bookings and payments kept for the books.</source>
        <translation>Kunde %1 würde vergessen: Name, Telefon, E-Mail und Kennzeichen gelöscht; Buchungen und Zahlungen blieben für die Buchhaltung erhalten.</translation>
    </message>
    <message>
        <source>Dry run: nothing was changed. Run it again without --dry-run to forget.</source>
        <translation>Probelauf: Es wurde nichts geändert. Zum Vergessen ohne --dry-run erneut ausführen.</translation>
    </message>
    <message>
        <source>the archive to write</source>
        <translation>das zu schreibende Archiv</translation>
    </message>
    <message>
        <source>backup takes no file name of its own; name it with --to FILE. Usage: carwash-admin %1</source>
        <translation>backup nimmt keinen eigenen Dateinamen; geben Sie ihn mit --to FILE an. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>--to needs a file name.</source>
        <translation>--to braucht einen Dateinamen.</translation>
    </message>
    <message>
        <source>--to: %1 exists already; choose another file name.</source>
        <translation>--to: %1 gibt es schon; wählen Sie einen anderen Dateinamen.</translation>
    </message>
    <message>
        <source>Backed up %1 (schema %2) to %3 (%4, SHA-256 %5).</source>
        <translation>%1 (Schema %2) gesichert nach %3 (%4, SHA-256 %5).</translation>
    </message>
    <message numerus="yes">
        <source>The database %1 holds %n booking(s); restoring replaces everything in it.</source>
        <translation>
            <numerusform>Die Datenbank %1 enthält %n Buchung; die Wiederherstellung ersetzt alles darin.</numerusform>
            <numerusform>Die Datenbank %1 enthält %n Buchungen; die Wiederherstellung ersetzt alles darin.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type yes to replace it: </source>
        <translation>Geben Sie yes ein, um sie zu ersetzen: </translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>replace a database that holds bookings</source>
        <translation>eine Datenbank mit Buchungen ersetzen</translation>
    </message>
    <message>
        <source>do not ask before replacing</source>
        <translation>vor dem Ersetzen nicht fragen</translation>
    </message>
    <message>
        <source>restore needs one backup file. Usage: carwash-admin %1</source>
        <translation>restore braucht eine Sicherungsdatei. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>--yes goes with --replace. Usage: carwash-admin %1</source>
        <translation>--yes gehört zu --replace. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>The backup was made by a newer version of CarWash Desk (schema %1; this program knows up to %2). Install that version or a newer one and restore with its carwash-admin; nothing was changed.</source>
        <translation>Die Sicherung stammt von einer neueren Version von CarWash Desk (Schema %1; dieses Programm kennt bis %2). Installieren Sie diese oder eine neuere Version und stellen Sie mit deren carwash-admin wieder her; nichts wurde geändert.</translation>
    </message>
    <message numerus="yes">
        <source>The database %1 holds %n booking(s); nothing was changed. To replace it with the backup, run again with --replace.</source>
        <translation>
            <numerusform>Die Datenbank %1 enthält %n Buchung; nichts wurde geändert. Um sie durch die Sicherung zu ersetzen, erneut mit --replace aufrufen.</numerusform>
            <numerusform>Die Datenbank %1 enthält %n Buchungen; nichts wurde geändert. Um sie durch die Sicherung zu ersetzen, erneut mit --replace aufrufen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not confirmed; nothing was changed. (--yes confirms in a script.)</source>
        <translation>Nicht bestätigt; nichts wurde geändert. (--yes bestätigt in einem Skript.)</translation>
    </message>
    <message>
        <source>Restored %1 (made %2, schema %3) into %4.</source>
        <translation>%1 (erstellt %2, Schema %3) in %4 wiederhergestellt.</translation>
    </message>
    <message>
        <source>Migrations applied afterwards: %1</source>
        <translation>Danach angewendete Migrationen: %1</translation>
    </message>
    <message>
        <source>
carwash-admin --version prints the version of CarWash Desk.
</source>
        <translation>
carwash-admin --version gibt die Version von CarWash Desk aus.
</translation>
    </message>
    <message>
        <source>Version: %1</source>
        <translation>Version: %1</translation>
    </message>
    <message>
        <source>Usage: carwash-admin COMMAND [--json]

Commands:
  migrate            apply database migrations (also done at start-up)
  seed --demo        fill an empty database with a believable demo car wash
  seed --demo-day [--date YYYY-MM-DD]  a day of demo bookings (default today)
  health             every process&apos;s published health (lost ones too) and the database&apos;s
                     answer; the worst decides: exit 0 healthy, 1 degraded, 2 unhealthy
  services           list wash packages with prices per vehicle class
  service ID         one wash package; exit 3 when there is no such id
  config             the configuration in force and where each value came from
  db start|stop|status  the embedded database server (when no DATABASE_URL is set)
  maintenance [--if-due] [--batch-size N]
                     remove health snapshots, audit and payment-event rows older than
                     retention.*_days, in small batches; --if-due: only when not run today
  backup [--to FILE]  a pg_dump archive of the database with its manifest (FILE.json:
                     SHA-256, schema version, time); default: the backup.folder setting&apos;s folder
  restore FILE [--replace] [--yes]
                     check the archive, then restore it in one transaction and migrate;
                     a database with bookings only with --replace after typing yes (--yes
                     for scripts); exit 2 damaged or newer-schema archive, 1 refused

Site (one database for every program of a car wash):
  site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]...
                     as root or postgres: make the role and database NAME (carwash) in this PC&apos;s
                     PostgreSQL (default /var/run/postgresql, 5432), migrate it, let each
                     USER&apos;s programs in, and write /etc/carwash-desk/database.conf (no
                     password); a second run changes nothing and says so
  site join postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
                     use a site database elsewhere: checked, the password in your keychain,
                     the connection in database.conf (root) or your saved settings

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
  customer forget ID|PHONE|EMAIL [--dry-run]
                                  erase a customer&apos;s name, phone, e-mail and plates on request
                                  (every customer with that phone or e-mail); bookings and
                                  payments are kept for the books; exit 3 when none matches;
                                  a number alone is an ID, a phone has a + or separators

Staff:
  staff list                      everyone who may sign in, with role and state
  staff reset-pin NAME            a new PIN, printed once (a forgotten manager PIN);
                                  exit 3 unknown name, 2 several match

Payments (card work is done by carwash-server; exit 5 when none answers or Stripe refuses):
  payment checkout ID|CODE [--wait SECONDS]
                                  create or reuse the booking&apos;s Checkout link; prints payment_id,
                                  session_id, url, expires_at, amount_cents, currency, status
  payment show ID|CODE            the booking&apos;s payments
  payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SECONDS]
                                  default all that is left, the newest card payment first;
                                  cash at once, card through carwash-server
  payment reconcile [--wait SECONDS]  fetch pending card payments from Stripe once, now
  reader list | reader add READER_ID --label L [--desk NAME|--kiosk NAME] | reader remove READER_ID
                                  Stripe Terminal readers, at most one per desk or kiosk
  takings --date YYYY-MM-DD [--csv]  a local day&apos;s takings: cash, card, refunds, tax, net

Kiosks:
  kiosk list                      every kiosk: language, ways of paying, reader, running or not
  kiosk set NAME [--reader READER_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk]
                                  change a kiosk (made when missing); a reader serving another
                                  desk or kiosk is refused

Options:
  --json             machine-readable output

Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
DB_STATEMENT_TIMEOUT, ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY).
Without it, /etc/carwash-desk/database.conf (CARWASH_SITE_CONFIG) names the site database;
without both and saved settings, a private PostgreSQL server under your data folder is used.
</source>
        <translation>Aufruf: carwash-admin BEFEHL [--json]

Befehle:
  migrate            Datenbankmigrationen anwenden (geschieht auch beim Start)
  seed --demo        eine leere Datenbank mit einer glaubwürdigen Demo-Waschanlage füllen
  seed --demo-day [--date JJJJ-MM-TT]  ein Tag mit Demo-Buchungen (standardmäßig heute)
  health             der veröffentlichte Zustand jedes Prozesses (auch verlorener) und die Antwort der
                     Datenbank; der schlechteste entscheidet: Exit-Code 0 gesund, 1 eingeschränkt, 2 gestört
  services           Waschprogramme mit Preisen je Fahrzeugklasse auflisten
  service ID         ein Waschprogramm; Exit-Code 3, wenn es diese ID nicht gibt
  config             die geltende Konfiguration und woher jeder Wert stammt
  db start|stop|status  der eingebettete Datenbankserver (wenn DATABASE_URL nicht gesetzt ist)
  maintenance [--if-due] [--batch-size N]
                     entfernt Zustandsschnappschüsse, Prüf- und Zahlungsereignis-Zeilen älter als
                     retention.*_days, in kleinen Portionen; --if-due: nur wenn heute noch nicht gelaufen
  backup [--to FILE]  ein pg_dump-Archiv der Datenbank mit seinem Manifest (FILE.json:
                     SHA-256, Schemaversion, Zeit); Standard: der Ordner der Einstellung backup.folder
  restore FILE [--replace] [--yes]
                     prüft das Archiv, stellt es in einer Transaktion wieder her und migriert;
                     eine Datenbank mit Buchungen nur mit --replace nach Eingabe von yes (--yes
                     für Skripte); Exit 2 beschädigtes Archiv oder neueres Schema, 1 abgelehnt

Standort (eine Datenbank für alle Programme einer Waschanlage):
  site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]...
                     als root oder postgres: legt Rolle und Datenbank NAME (carwash) im PostgreSQL
                     dieses PCs an (Standard /var/run/postgresql, 5432), migriert sie, lässt die
                     Programme jedes USER hinein und schreibt /etc/carwash-desk/database.conf (ohne
                     Passwort); ein zweiter Lauf ändert nichts und sagt das
  site join postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE
                     eine Standortdatenbank anderswo nutzen: geprüft, das Passwort in Ihrem
                     Schlüsselbund, die Verbindung in database.conf (root) oder Ihren Einstellungen

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
  customer forget ID|PHONE|EMAIL [--dry-run]
                                  Name, Telefon, E-Mail und Kennzeichen eines Kunden auf Wunsch löschen
                                  (alle Kunden mit dieser Telefonnummer oder E-Mail); Buchungen und
                                  Zahlungen bleiben für die Buchhaltung; Exit-Code 3, wenn keiner passt;
                                  eine Zahl allein ist eine ID, eine Telefonnummer hat ein + oder Trennzeichen

Mitarbeiter:
  staff list                      alle, die sich anmelden dürfen, mit Rolle und Status
  staff reset-pin NAME            eine neue PIN, nur einmal angezeigt (eine vergessene Manager-PIN);
                                  Exit-Code 3 bei unbekanntem Namen, 2 wenn mehrere passen

Zahlungen (Kartenarbeit erledigt carwash-server; Exit-Code 5, wenn keiner antwortet oder Stripe ablehnt):
  payment checkout ID|CODE [--wait SEKUNDEN]
                                  den Checkout-Link der Buchung erstellen oder wiederverwenden; gibt payment_id,
                                  session_id, url, expires_at, amount_cents, currency, status aus
  payment show ID|CODE            die Zahlungen der Buchung
  payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SEKUNDEN]
                                  vorgegeben alles Übrige, die jüngste Kartenzahlung zuerst;
                                  bar sofort, Karte über carwash-server
  payment reconcile [--wait SEKUNDEN]  offene Kartenzahlungen einmal jetzt bei Stripe abfragen
  reader list | reader add LESEGERÄT_ID --label L [--desk NAME|--kiosk NAME] | reader remove LESEGERÄT_ID
                                  Stripe-Terminal-Lesegeräte, höchstens eines je Schalter oder Kiosk
  takings --date JJJJ-MM-TT [--csv]  die Einnahmen eines lokalen Tages: bar, Karte, Erstattungen, Steuer, netto

Kiosks:
  kiosk list                      jeder Kiosk: Sprache, Zahlungsarten, Lesegerät, läuft oder nicht
  kiosk set NAME [--reader LESEGERÄT_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk]
                                  einen Kiosk ändern (fehlt er, wird er angelegt); ein Lesegerät, das
                                  einem anderen Schalter oder Kiosk dient, wird abgelehnt

Optionen:
  --json             maschinenlesbare Ausgabe

Datenbank: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(Umgebungsvariablen gehen vor: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
DB_STATEMENT_TIMEOUT, ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY). Ohne sie nennt
/etc/carwash-desk/database.conf (CARWASH_SITE_CONFIG) die Standortdatenbank; ohne beides und ohne
gespeicherte Einstellungen wird ein privater PostgreSQL-Server in Ihrem Datenordner verwendet.
</translation>
    </message>
    <message>
        <source>There is no %1 user on this PC: is PostgreSQL installed (apt-get install postgresql)?</source>
        <translation>Auf diesem PC gibt es keinen Benutzer %1: Ist PostgreSQL installiert (apt-get install postgresql)?</translation>
    </message>
    <message>
        <source>Could not act as the %1 user: %2</source>
        <translation>Konnte nicht als Benutzer %1 handeln: %2</translation>
    </message>
    <message>
        <source>Usage: carwash-admin site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]... | site join postgresql://…</source>
        <translation>Aufruf: carwash-admin site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]... | site join postgresql://…</translation>
    </message>
    <message>
        <source>%1 names another site database (%2); nothing was changed. Remove it first if this connection should replace it.</source>
        <translation>%1 nennt eine andere Standortdatenbank (%2); nichts wurde geändert. Entfernen Sie die Datei zuerst, wenn diese Verbindung sie ersetzen soll.</translation>
    </message>
    <message>
        <source>the folder of the cluster&apos;s unix socket</source>
        <translation>der Ordner des Unix-Sockets des Clusters</translation>
    </message>
    <message>
        <source>the cluster&apos;s port</source>
        <translation>der Port des Clusters</translation>
    </message>
    <message>
        <source>a user of this PC whose programs may use the site database</source>
        <translation>ein Benutzer dieses PCs, dessen Programme die Standortdatenbank nutzen dürfen</translation>
    </message>
    <message>
        <source>the role and database to make (default carwash)</source>
        <translation>die anzulegende Rolle und Datenbank (Standard carwash)</translation>
    </message>
    <message>
        <source>--host: &quot;%1&quot; is not a folder; site init reaches the cluster of this PC through its unix socket, e.g. /var/run/postgresql.</source>
        <translation>--host: &quot;%1&quot; ist kein Ordner; site init erreicht den Cluster dieses PCs über seinen Unix-Socket, z. B. /var/run/postgresql.</translation>
    </message>
    <message>
        <source>--port: &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>--port: &quot;%1&quot; ist ungültig; erlaubt: 1 bis 65535.</translation>
    </message>
    <message>
        <source>--name: &quot;%1&quot; is not valid; accepted: lower-case letters, digits and _, not starting with a digit, at most 63.</source>
        <translation>--name: &quot;%1&quot; ist ungültig; erlaubt: Kleinbuchstaben, Ziffern und _, nicht mit einer Ziffer beginnend, höchstens 63.</translation>
    </message>
    <message>
        <source>--allow: &quot;%1&quot; is not a desk user&apos;s name.</source>
        <translation>--allow: &quot;%1&quot; ist nicht der Name eines Theken-Benutzers.</translation>
    </message>
    <message>
        <source>site init makes a role and a database in PostgreSQL and writes %1: run it as root (sudo carwash-admin site init) or as the %2 user.</source>
        <translation>site init legt eine Rolle und eine Datenbank in PostgreSQL an und schreibt %1: Führen Sie es als root (sudo carwash-admin site init) oder als Benutzer %2 aus.</translation>
    </message>
    <message>
        <source>The site database is ready, but %1 Run site init again as root.</source>
        <translation>Die Standortdatenbank ist bereit, aber: %1 Führen Sie site init erneut als root aus.</translation>
    </message>
    <message>
        <source>The site database is set up already (%1, named in %2); nothing was changed.</source>
        <translation>Die Standortdatenbank ist bereits eingerichtet (%1, genannt in %2); nichts wurde geändert.</translation>
    </message>
    <message>
        <source>Made the role %1.</source>
        <translation>Rolle %1 angelegt.</translation>
    </message>
    <message>
        <source>The role %1 was there.</source>
        <translation>Die Rolle %1 war schon da.</translation>
    </message>
    <message>
        <source>Made the database %1.</source>
        <translation>Datenbank %1 angelegt.</translation>
    </message>
    <message>
        <source>The database %1 was there.</source>
        <translation>Die Datenbank %1 war schon da.</translation>
    </message>
    <message>
        <source>Let %1 in.</source>
        <translation>%1 hineingelassen.</translation>
    </message>
    <message>
        <source>%1 was let in already.</source>
        <translation>%1 war bereits hineingelassen.</translation>
    </message>
    <message>
        <source>Wrote %1: %2</source>
        <translation>%1 geschrieben: %2</translation>
    </message>
    <message>
        <source>%1 names it already: %2</source>
        <translation>%1 nennt sie bereits: %2</translation>
    </message>
    <message>
        <source>site join needs the site database&apos;s URL. Usage: carwash-admin %1</source>
        <translation>site join braucht die URL der Standortdatenbank. Aufruf: carwash-admin %1</translation>
    </message>
    <message>
        <source>The password could not be saved in the keychain (%1); nothing was changed. Unlock the keychain (or start one in this session) and join again.</source>
        <translation>Das Passwort konnte nicht im Schlüsselbund gespeichert werden (%1); nichts wurde geändert. Entsperren Sie den Schlüsselbund (oder starten Sie einen in dieser Sitzung) und treten Sie erneut bei.</translation>
    </message>
    <message>
        <source>The settings could not be written to %1.</source>
        <translation>Die Einstellungen konnten nicht nach %1 geschrieben werden.</translation>
    </message>
    <message>
        <source>Connected to PostgreSQL %1; the site database is %2.</source>
        <translation>Mit PostgreSQL %1 verbunden; die Standortdatenbank ist %2.</translation>
    </message>
    <message>
        <source>Wrote it to %1.</source>
        <translation>Nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>The password is in your keychain.</source>
        <translation>Das Passwort liegt in Ihrem Schlüsselbund.</translation>
    </message>
    <message>
        <source>The password was not stored: each user of this PC saves it in their own keychain with carwash-admin site join URL (as themselves) or in the desk&apos;s database settings.</source>
        <translation>Das Passwort wurde nicht gespeichert: Jeder Benutzer dieses PCs speichert es in seinem eigenen Schlüsselbund mit carwash-admin site join URL (als er selbst) oder in den Datenbankeinstellungen der Theke.</translation>
    </message>
    <message>
        <source>Note: %1 names the site database for every program of this PC and comes before your settings; to change it, run site join with sudo.</source>
        <translation>Hinweis: %1 nennt die Standortdatenbank für alle Programme dieses PCs und geht Ihren Einstellungen vor; um sie zu ändern, führen Sie site join mit sudo aus.</translation>
    </message>
</context>
<context>
    <name>ApiAnswers</name>
    <message numerus="yes">
        <source>%n field(s) need attention.</source>
        <translation>
            <numerusform>%n Feld muss geprüft werden.</numerusform>
            <numerusform>%n Felder müssen geprüft werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Bookings cannot be reached at the moment; please try again in a few seconds.</source>
        <translation>Buchungen sind im Moment nicht erreichbar; bitte versuchen Sie es in einigen Sekunden erneut.</translation>
    </message>
    <message>
        <source>Something went wrong on our side; please try again later or call the car wash.</source>
        <translation>Bei uns ist etwas schiefgelaufen; bitte versuchen Sie es später erneut oder rufen Sie die Waschanlage an.</translation>
    </message>
</context>
<context>
    <name>AttendantCallBanner</name>
    <message>
        <source>Kiosks calling for an attendant</source>
        <translation>Kiosks, die nach Personal rufen</translation>
    </message>
    <message>
        <source>Kiosk %1 needs an attendant, %2</source>
        <translation>Kiosk %1 braucht Personal, %2</translation>
    </message>
    <message>
        <source>Kiosk %1 needs an attendant — %2, %3</source>
        <translation>Kiosk %1 braucht Personal — %2, %3</translation>
    </message>
    <message>
        <source>I&apos;m going</source>
        <translation>Ich gehe hin</translation>
    </message>
    <message>
        <source>I&apos;m going to kiosk %1</source>
        <translation>Ich gehe zu Kiosk %1</translation>
    </message>
    <message>
        <source>The kiosk&apos;s call could not be answered.</source>
        <translation>Der Ruf des Kiosks konnte nicht beantwortet werden.</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <source>Book and pay your car wash here</source>
        <translation>Hier Ihre Autowäsche buchen und bezahlen</translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation>Zum Starten berühren</translation>
    </message>
    <message>
        <source>Choose a wash, a time and pay by card.</source>
        <translation>Wäsche und Zeit wählen und mit Karte bezahlen.</translation>
    </message>
    <message>
        <source>Loading the washes…</source>
        <translation>Die Wäschen werden geladen…</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 ab %2</translation>
    </message>
    <message>
        <source>Next free time: %1</source>
        <translation>Nächste freie Zeit: %1</translation>
    </message>
    <message>
        <source>No free time left today.</source>
        <translation>Heute ist keine Zeit mehr frei.</translation>
    </message>
    <message>
        <source>No wash can be booked here right now. Please see the desk.</source>
        <translation>Hier kann gerade keine Wäsche gebucht werden. Bitte wenden Sie sich an den Empfang.</translation>
    </message>
</context>
<context>
    <name>BackupAlert</name>
    <message numerus="yes">
        <source>The last backup of this computer&apos;s database was made on %1, more than %n day(s) ago.</source>
        <translation>
            <numerusform>Die letzte Sicherung der Datenbank dieses Computers wurde am %1 erstellt, vor mehr als %n Tag.</numerusform>
            <numerusform>Die letzte Sicherung der Datenbank dieses Computers wurde am %1 erstellt, vor mehr als %n Tagen.</numerusform>
        </translation>
    </message>
    <message>
        <source>This computer&apos;s database has no backup yet.</source>
        <translation>Die Datenbank dieses Computers hat noch keine Sicherung.</translation>
    </message>
    <message>
        <source>A manager can open Manage, Backups and choose Back up now; check that the backup folder&apos;s disk is connected.</source>
        <translation>Ein Manager kann Verwalten, Sicherungen öffnen und Jetzt sichern wählen; prüfen Sie, ob der Datenträger des Sicherungsordners angeschlossen ist.</translation>
    </message>
</context>
<context>
    <name>BackupJob</name>
    <message>
        <source>%1 exists already; choose another file name.</source>
        <translation>%1 gibt es schon; wählen Sie einen anderen Dateinamen.</translation>
    </message>
    <message>
        <source>The backup folder %1 cannot be made; check that the disk is there and writable.</source>
        <translation>Der Sicherungsordner %1 kann nicht angelegt werden; prüfen Sie, ob der Datenträger da und beschreibbar ist.</translation>
    </message>
    <message>
        <source>The backup could not be made: pg_dump failed.</source>
        <translation>Die Sicherung konnte nicht erstellt werden: pg_dump ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>The backup could not be made: the archive written cannot be read back.</source>
        <translation>Die Sicherung konnte nicht erstellt werden: das geschriebene Archiv lässt sich nicht zurücklesen.</translation>
    </message>
    <message>
        <source>The backup could not be made: %1 cannot be written.</source>
        <translation>Die Sicherung konnte nicht erstellt werden: %1 kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>There is no backup at %1.</source>
        <translation>Unter %1 gibt es keine Sicherung.</translation>
    </message>
    <message>
        <source>%1 has no manifest next to it (%2): it is not a finished CarWash Desk backup.</source>
        <translation>Neben %1 liegt kein Manifest (%2): es ist keine fertige Sicherung von CarWash Desk.</translation>
    </message>
    <message>
        <source>The manifest %1 describes another archive (%2).</source>
        <translation>Das Manifest %1 beschreibt ein anderes Archiv (%2).</translation>
    </message>
    <message>
        <source>The backup %1 is damaged or incomplete (its checksum does not match); restore another backup.</source>
        <translation>Die Sicherung %1 ist beschädigt oder unvollständig (ihre Prüfsumme stimmt nicht); stellen Sie eine andere Sicherung wieder her.</translation>
    </message>
    <message>
        <source>The backup %1 cannot be read by pg_restore; restore another backup.</source>
        <translation>pg_restore kann die Sicherung %1 nicht lesen; stellen Sie eine andere Sicherung wieder her.</translation>
    </message>
    <message>
        <source>The restore needs a temporary folder and none can be made.</source>
        <translation>Die Wiederherstellung braucht einen temporären Ordner, und keiner lässt sich anlegen.</translation>
    </message>
    <message>
        <source>The backup cannot be read by pg_restore; nothing was changed.</source>
        <translation>pg_restore kann die Sicherung nicht lesen; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>The restore failed and was rolled back; the database is as it was.</source>
        <translation>Die Wiederherstellung ist fehlgeschlagen und wurde zurückgerollt; die Datenbank ist unverändert.</translation>
    </message>
</context>
<context>
    <name>BackupManifest</name>
    <message>
        <source>The backup&apos;s manifest is damaged or not a CarWash Desk backup.</source>
        <translation>Das Manifest der Sicherung ist beschädigt oder gehört zu keiner Sicherung von CarWash Desk.</translation>
    </message>
    <message>
        <source>The backup was made by a newer version of CarWash Desk; install that version to restore it.</source>
        <translation>Die Sicherung stammt von einer neueren Version von CarWash Desk; installieren Sie diese Version, um sie wiederherzustellen.</translation>
    </message>
</context>
<context>
    <name>BackupsDialog</name>
    <message>
        <source>Backups</source>
        <translation>Sicherungen</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>Made by</source>
        <translation>Erstellt von</translation>
    </message>
    <message>
        <source>Back up &amp;now</source>
        <translation>&amp;Jetzt sichern</translation>
    </message>
    <message>
        <source>Back up the database now</source>
        <translation>Die Datenbank jetzt sichern</translation>
    </message>
    <message>
        <source>C&amp;hoose folder…</source>
        <translation>&amp;Ordner wählen…</translation>
    </message>
    <message>
        <source>Choose the backup folder</source>
        <translation>Den Sicherungsordner wählen</translation>
    </message>
    <message>
        <source>Another folder for the backups, such as a USB disk</source>
        <translation>Ein anderer Ordner für die Sicherungen, etwa ein USB-Laufwerk</translation>
    </message>
    <message>
        <source>Use the &amp;data folder</source>
        <translation>&amp;Datenordner verwenden</translation>
    </message>
    <message>
        <source>Last backup:</source>
        <translation>Letzte Sicherung:</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>Ordner:</translation>
    </message>
    <message>
        <source>Kept:</source>
        <translation>Aufbewahrt:</translation>
    </message>
    <message>
        <source>No backup was made.</source>
        <translation>Es wurde keine Sicherung erstellt.</translation>
    </message>
    <message>
        <source>Another program is making a backup right now; try again in a minute.</source>
        <translation>Ein anderes Programm erstellt gerade eine Sicherung; versuchen Sie es in einer Minute erneut.</translation>
    </message>
    <message>
        <source>Backed up: %1.</source>
        <translation>Gesichert: %1.</translation>
    </message>
    <message>
        <source>Backups of this computer&apos;s database, made every day the desk runs and kept for the days below. Keep the folder on another disk, such as a USB disk, so a dead disk loses nothing. To restore one: carwash-admin restore FILE.</source>
        <translation>Sicherungen der Datenbank dieses Computers, an jedem Tag erstellt, an dem der Schalter läuft, und so viele Tage aufbewahrt wie unten angegeben. Legen Sie den Ordner auf einen anderen Datenträger, etwa ein USB-Laufwerk, damit ein defekter Datenträger nichts verliert. Zum Wiederherstellen: carwash-admin restore FILE.</translation>
    </message>
    <message>
        <source>&amp;Backups:</source>
        <translation>&amp;Sicherungen:</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>The backups could not be listed.</source>
        <translation>Die Sicherungen konnten nicht aufgelistet werden.</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>noch keine</translation>
    </message>
    <message>
        <source>%1 (the data folder)</source>
        <translation>%1 (der Datenordner)</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s); change it in Site set-up</source>
        <translation>
            <numerusform>%n Tag; ändern Sie das in der Standorteinrichtung</numerusform>
            <numerusform>%n Tage; ändern Sie das in der Standorteinrichtung</numerusform>
        </translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Sichern…</translation>
    </message>
    <message>
        <source>Folder for the backups</source>
        <translation>Ordner für die Sicherungen</translation>
    </message>
    <message>
        <source>The backup folder was not changed.</source>
        <translation>Der Sicherungsordner wurde nicht geändert.</translation>
    </message>
    <message>
        <source>Backups now go to the data folder.</source>
        <translation>Sicherungen gehen jetzt in den Datenordner.</translation>
    </message>
    <message>
        <source>Backups now go to %1.</source>
        <translation>Sicherungen gehen jetzt nach %1.</translation>
    </message>
</context>
<context>
    <name>BaysPage</name>
    <message>
        <source>Bay name</source>
        <translation>Name des Waschplatzes</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>A&amp;rt:</translation>
    </message>
    <message>
        <source>&amp;Active (takes new bookings)</source>
        <translation>&amp;Aktiv (nimmt neue Buchungen an)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Services this bay performs</source>
        <translation>Leistungen dieses Waschplatzes</translation>
    </message>
    <message>
        <source>Per&amp;forms:</source>
        <translation>&amp;Leistungen:</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Waschplatz</translation>
    </message>
    <message>
        <source>Performs</source>
        <translation>Leistungen</translation>
    </message>
    <message>
        <source>Bays</source>
        <translation>Waschplätze</translation>
    </message>
</context>
<context>
    <name>BookingApi</name>
    <message>
        <source>There is no %1 in this API; see docs/openapi.yaml.</source>
        <translation>%1 gibt es in dieser API nicht; siehe docs/openapi.yaml.</translation>
    </message>
    <message>
        <source>%1 takes %2 only.</source>
        <translation>%1 erlaubt nur %2.</translation>
    </message>
    <message>
        <source>The booking service is starting; please try again in a few seconds.</source>
        <translation>Der Buchungsdienst startet gerade; bitte versuchen Sie es in einigen Sekunden erneut.</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>Der Inhalt der Anfrage ist größer als %1 Bytes.</translation>
    </message>
    <message numerus="yes">
        <source>Too many bookings and changes from your address; please wait %n second(s).</source>
        <translation>
            <numerusform>Zu viele Buchungen und Änderungen von Ihrer Adresse; bitte warten Sie %n Sekunde.</numerusform>
            <numerusform>Zu viele Buchungen und Änderungen von Ihrer Adresse; bitte warten Sie %n Sekunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>The body must be a JSON object, such as {&quot;plate&quot;: &quot;AB123&quot;}.</source>
        <translation>Der Inhalt muss ein JSON-Objekt sein, zum Beispiel {&quot;plate&quot;: &quot;AB123&quot;}.</translation>
    </message>
    <message>
        <source>There is no wash package %1.</source>
        <translation>Die Wäsche %1 gibt es nicht.</translation>
    </message>
    <message>
        <source>No free start within the booking horizon (closed, fully booked, or no bay offers this wash).</source>
        <translation>Keine freie Zeit innerhalb des Buchungszeitraums (geschlossen, ausgebucht oder kein Platz bietet diese Wäsche an).</translation>
    </message>
    <message>
        <source>plate is required: the licence plate the booking was made for.</source>
        <translation>plate ist erforderlich: das Kennzeichen, für das gebucht wurde.</translation>
    </message>
    <message>
        <source>No booking %1 for that plate. Check the code in your confirmation and the plate as you gave it.</source>
        <translation>Keine Buchung %1 für dieses Kennzeichen. Prüfen Sie den Code in Ihrer Bestätigung und das Kennzeichen, wie Sie es angegeben haben.</translation>
    </message>
    <message>
        <source>This Idempotency-Key was already used for a different booking; send a new key with a new booking.</source>
        <translation>Dieser Idempotency-Key wurde schon für eine andere Buchung verwendet; senden Sie mit jeder neuen Buchung einen neuen Schlüssel.</translation>
    </message>
    <message>
        <source>There is no booking %1.</source>
        <translation>Die Buchung %1 gibt es nicht.</translation>
    </message>
    <message>
        <source>Booking %1 is not awaiting payment (it is %2).</source>
        <translation>Die Buchung %1 wartet nicht auf Zahlung (sie ist %2).</translation>
    </message>
    <message>
        <source>Card payment could not be started just now; please try again, or pay at the car wash.</source>
        <translation>Die Kartenzahlung konnte gerade nicht gestartet werden; bitte versuchen Sie es erneut oder zahlen Sie an der Waschanlage.</translation>
    </message>
    <message>
        <source>start takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an offset: the site&apos;s local time), not &quot;%1&quot;.</source>
        <translation>start erwartet Datum und Uhrzeit nach ISO 8601 wie 2025-06-11T09:30:00+02:00 (ohne Versatz: die Ortszeit der Anlage), nicht „%1“.</translation>
    </message>
    <message>
        <source>bay takes a numeric bay ID, not &quot;%1&quot;.</source>
        <translation>bay erwartet die numerische ID eines Platzes, nicht „%1“.</translation>
    </message>
</context>
<context>
    <name>BookingDetailsDialog</name>
    <message>
        <source>&amp;Check in</source>
        <translation>&amp;Einchecken</translation>
    </message>
    <message>
        <source>Check the customer in</source>
        <translation>Den Kunden einchecken</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Start the wash</source>
        <translation>Die Wäsche starten</translation>
    </message>
    <message>
        <source>Co&amp;mplete</source>
        <translation>Abschl&amp;ießen</translation>
    </message>
    <message>
        <source>Mark the wash complete</source>
        <translation>Die Wäsche als abgeschlossen markieren</translation>
    </message>
    <message>
        <source>&amp;No-show</source>
        <translation>&amp;Nicht erschienen</translation>
    </message>
    <message>
        <source>Mark as not shown up</source>
        <translation>Als nicht erschienen markieren</translation>
    </message>
    <message>
        <source>C&amp;ancel booking…</source>
        <translation>Buchung s&amp;tornieren…</translation>
    </message>
    <message>
        <source>Cancel the booking, with a reason</source>
        <translation>Die Buchung mit Begründung stornieren</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Buchung</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>When:</source>
        <translation>Wann:</translation>
    </message>
    <message>
        <source>Bay:</source>
        <translation>Waschplatz:</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Leistung:</translation>
    </message>
    <message>
        <source>Vehicle:</source>
        <translation>Fahrzeug:</translation>
    </message>
    <message>
        <source>Add-ons:</source>
        <translation>Zusatzleistungen:</translation>
    </message>
    <message>
        <source>Price:</source>
        <translation>Preis:</translation>
    </message>
    <message>
        <source>Payment:</source>
        <translation>Zahlung:</translation>
    </message>
    <message>
        <source>Customer:</source>
        <translation>Kunde:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Telefon:</translation>
    </message>
    <message>
        <source>Email:</source>
        <translation>E-Mail:</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Zahlungen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Tendered</source>
        <translation>Gegeben</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Rückgeld</translation>
    </message>
    <message>
        <source>Taken by</source>
        <translation>Kassiert von</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation>&amp;Verschieben…</translation>
    </message>
    <message>
        <source>Move the booking to another time</source>
        <translation>Die Buchung auf eine andere Zeit verschieben</translation>
    </message>
    <message>
        <source>Take cas&amp;h…</source>
        <translation>&amp;Bar kassieren…</translation>
    </message>
    <message>
        <source>Take a cash payment</source>
        <translation>Eine Barzahlung kassieren</translation>
    </message>
    <message>
        <source>&amp;Print receipt…</source>
        <translation>Beleg &amp;drucken…</translation>
    </message>
    <message>
        <source>Save receipt P&amp;DF…</source>
        <translation>Beleg als &amp;PDF speichern…</translation>
    </message>
    <message>
        <source>Preparing the receipt…</source>
        <translation>Beleg wird erstellt…</translation>
    </message>
    <message>
        <source>Reason for the cancellation</source>
        <translation>Grund der Stornierung</translation>
    </message>
    <message>
        <source>e.g. customer called, car broke down</source>
        <translation>z. B. Kunde hat angerufen, Auto ist liegen geblieben</translation>
    </message>
    <message>
        <source>C&amp;onfirm cancellation</source>
        <translation>St&amp;ornierung bestätigen</translation>
    </message>
    <message>
        <source>&amp;Keep booking</source>
        <translation>Buchung be&amp;halten</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>Pa&amp;yments</source>
        <translation>&amp;Zahlungen</translation>
    </message>
    <message>
        <source>His&amp;tory</source>
        <translation>Ver&amp;lauf</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>The booking could not be loaded. %1</source>
        <translation>Die Buchung konnte nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>Booking %1</source>
        <translation>Buchung %1</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1, %2–%3</source>
        <translation>%1, %2–%3</translation>
    </message>
    <message>
        <source>%1, plate %2</source>
        <translation>%1, Kennzeichen %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>%1 (includes %2 tax: %3)</source>
        <translation>%1 (enthält %2 Steuer: %3)</translation>
    </message>
    <message>
        <source>%1 + %2 tax %3 = %4</source>
        <translation>%1 + %2 Steuer %3 = %4</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Bezahlt</translation>
    </message>
    <message>
        <source>Due: %1</source>
        <translation>Offen: %1</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Why is the booking cancelled?</source>
        <translation>Warum wird die Buchung storniert?</translation>
    </message>
    <message>
        <source>Give a reason for the cancellation; it is kept in the booking&apos;s history.</source>
        <translation>Geben Sie einen Grund für die Stornierung an; er wird im Verlauf der Buchung gespeichert.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Booking %1 is now %2.</source>
        <translation>Die Buchung %1 ist jetzt: %2.</translation>
    </message>
    <message>
        <source>%1 The booking is shown as it is now.</source>
        <translation>%1 Die Buchung wird so angezeigt, wie sie jetzt ist.</translation>
    </message>
    <message>
        <source>Booking %1 moved to %2 on %3.</source>
        <translation>Buchung %1 verschoben: %2, %3.</translation>
    </message>
    <message>
        <source>%1 paid in cash.</source>
        <translation>%1 bar bezahlt.</translation>
    </message>
    <message>
        <source>Cancellation r&amp;eason:</source>
        <translation>&amp;Grund der Stornierung:</translation>
    </message>
    <message>
        <source>Car&amp;d…</source>
        <translation>K&amp;arte…</translation>
    </message>
    <message>
        <source>Take a card payment</source>
        <translation>Kartenzahlung annehmen</translation>
    </message>
    <message>
        <source>Ref&amp;und…</source>
        <translation>E&amp;rstatten…</translation>
    </message>
    <message>
        <source>Give money back</source>
        <translation>Geld zurückgeben</translation>
    </message>
    <message>
        <source>%1 paid by card.</source>
        <translation>%1 mit Karte bezahlt.</translation>
    </message>
    <message>
        <source>%1; %2 refunded</source>
        <translation>%1; %2 erstattet</translation>
    </message>
    <message>
        <source>%1 — needs attention: %2</source>
        <translation>%1 — braucht Aufmerksamkeit: %2</translation>
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
        <source>Choose the new start time.</source>
        <translation>Wählen Sie die neue Startzeit.</translation>
    </message>
    <message>
        <source>Booking %1 is already at that time on %2.</source>
        <translation>Die Buchung %1 liegt bereits zu dieser Zeit auf %2.</translation>
    </message>
    <message>
        <source>Booking %1 cannot change to %2: its status %3 is final.</source>
        <translation>Buchung %1 kann nicht zu %2 wechseln: Ihr Status %3 ist endgültig.</translation>
    </message>
    <message>
        <source>Booking %1 cannot change from %2 to %3; from %2 it can change to: %4.</source>
        <translation>Buchung %1 kann nicht von %2 zu %3 wechseln; von %2 aus ist möglich: %4.</translation>
    </message>
    <message>
        <source>Booking %1 cannot be moved: its status is %2. Only held or confirmed bookings can be moved.</source>
        <translation>Buchung %1 kann nicht verschoben werden: Ihr Status ist %2. Nur reservierte oder bestätigte Buchungen lassen sich verschieben.</translation>
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
    <message>
        <source>The language must be en, es or de, not &quot;%1&quot;.</source>
        <translation>Die Sprache muss en, es oder de sein, nicht „%1“.</translation>
    </message>
</context>
<context>
    <name>BookingSearch</name>
    <message>
        <source>Search for a plate, a phone number, a name or a confirmation code (1 to %1 characters).</source>
        <translation>Suchen Sie nach Kennzeichen, Telefonnummer, Name oder Bestätigungscode (1 bis %1 Zeichen).</translation>
    </message>
</context>
<context>
    <name>BookingText</name>
    <message>
        <source>tomorrow %1</source>
        <translation>morgen %1</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>ddd d MMM</source>
        <translation>ddd d. MMM</translation>
    </message>
</context>
<context>
    <name>BookingWords</name>
    <message>
        <source>Held</source>
        <translation>Reserviert</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Checked in</source>
        <translation>Eingecheckt</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>Nicht erschienen</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
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
        <source>Cash</source>
        <translation>Bar</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>Card (online)</source>
        <translation>Karte (online)</translation>
    </message>
    <message>
        <source>Card (reader)</source>
        <translation>Karte (Terminal)</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Gebucht</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Moved from %1 on %2</source>
        <translation>Verschoben von %1 (%2)</translation>
    </message>
    <message>
        <source>Paid %1 in cash</source>
        <translation>%1 bar bezahlt</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>%1 asked of the card reader</source>
        <translation>%1 am Kartenlesegerät angefordert</translation>
    </message>
    <message>
        <source>Checkout link asked for %1</source>
        <translation>Checkout-Link über %1 angefordert</translation>
    </message>
    <message>
        <source>Card payment of %1 cancelled</source>
        <translation>Kartenzahlung über %1 abgebrochen</translation>
    </message>
    <message>
        <source>Refunded %1 in cash</source>
        <translation>%1 bar erstattet</translation>
    </message>
    <message>
        <source>Refund of %1 to the card asked for</source>
        <translation>Erstattung von %1 auf die Karte angefordert</translation>
    </message>
    <message>
        <source>waiting to be paid</source>
        <translation>wartet auf Zahlung</translation>
    </message>
    <message>
        <source>being processed</source>
        <translation>in Bearbeitung</translation>
    </message>
    <message>
        <source>paid</source>
        <translation>bezahlt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>erstattet</translation>
    </message>
    <message>
        <source>Erased customer</source>
        <translation>Gelöschter Kunde</translation>
    </message>
</context>
<context>
    <name>BoundedTcpServer</name>
    <message>
        <source>The request&apos;s headers are larger than %1 bytes.</source>
        <translation>Die Kopfzeilen der Anfrage sind größer als %1 Byte.</translation>
    </message>
    <message>
        <source>The request&apos;s Content-Length is not a number.</source>
        <translation>Die Content-Length der Anfrage ist keine Zahl.</translation>
    </message>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>Der Inhalt der Anfrage ist größer als %1 Bytes.</translation>
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
    <name>CardPaymentAvailability</name>
    <message>
        <source>Card payment is unavailable: no payment server (carwash-server) is running.</source>
        <translation>Kartenzahlung ist nicht verfügbar: kein Zahlungsserver (carwash-server) läuft.</translation>
    </message>
    <message>
        <source>Card payment is unavailable: no payment server has reported for a minute.</source>
        <translation>Kartenzahlung ist nicht verfügbar: seit einer Minute hat sich kein Zahlungsserver gemeldet.</translation>
    </message>
    <message>
        <source>Card payment is unavailable: no payment server has reported for %1 minutes.</source>
        <translation>Kartenzahlung ist nicht verfügbar: seit %1 Minuten hat sich kein Zahlungsserver gemeldet.</translation>
    </message>
    <message>
        <source>Card payment is unavailable: no payment server has reported for %1 hours.</source>
        <translation>Kartenzahlung ist nicht verfügbar: seit %1 Stunden hat sich kein Zahlungsserver gemeldet.</translation>
    </message>
</context>
<context>
    <name>CardPaymentDialog</name>
    <message>
        <source>Card payment — %1</source>
        <translation>Kartenzahlung — %1</translation>
    </message>
    <message>
        <source>Checking whether card payment is available…</source>
        <translation>Es wird geprüft, ob Kartenzahlung möglich ist…</translation>
    </message>
    <message>
        <source>Card payment unavailable</source>
        <translation>Kartenzahlung nicht verfügbar</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>Offener Betrag</translation>
    </message>
    <message>
        <source>On the &amp;reader</source>
        <translation>Am &amp;Kartenleser</translation>
    </message>
    <message>
        <source>Pay on this desk&apos;s card reader</source>
        <translation>Am Kartenleser dieses Schalters bezahlen</translation>
    </message>
    <message>
        <source>Customer&apos;s &amp;phone (QR code)</source>
        <translation>&amp;Handy des Kunden (QR-Code)</translation>
    </message>
    <message>
        <source>Show a QR code the customer pays with on their phone</source>
        <translation>Einen QR-Code zeigen, mit dem der Kunde auf seinem Handy bezahlt</translation>
    </message>
    <message>
        <source>This desk (%1) has no card reader assigned; a manager assigns one with carwash-admin reader add … --desk %1.</source>
        <translation>Diesem Schalter (%1) ist kein Kartenleser zugewiesen; eine Leitung weist ihn mit carwash-admin reader add … --desk %1 zu.</translation>
    </message>
    <message>
        <source>Amount due:</source>
        <translation>Offener Betrag:</translation>
    </message>
    <message>
        <source>Amount on the reader</source>
        <translation>Betrag am Kartenleser</translation>
    </message>
    <message>
        <source>Reader state</source>
        <translation>Zustand des Kartenlesers</translation>
    </message>
    <message>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <source>&amp;Cancel payment</source>
        <translation>Zahlung &amp;abbrechen</translation>
    </message>
    <message>
        <source>Cancel the payment on the reader</source>
        <translation>Die Zahlung am Kartenleser abbrechen</translation>
    </message>
    <message>
        <source>Amount to pay</source>
        <translation>Zu zahlender Betrag</translation>
    </message>
    <message>
        <source>QR code of the payment link</source>
        <translation>QR-Code des Zahlungslinks</translation>
    </message>
    <message>
        <source>Payment link</source>
        <translation>Zahlungslink</translation>
    </message>
    <message>
        <source>Payment state</source>
        <translation>Zahlungsstand</translation>
    </message>
    <message>
        <source>Time left to pay</source>
        <translation>Verbleibende Zeit zum Bezahlen</translation>
    </message>
    <message>
        <source>&amp;New link</source>
        <translation>&amp;Neuer Link</translation>
    </message>
    <message>
        <source>Cancel the payment link</source>
        <translation>Den Zahlungslink abbrechen</translation>
    </message>
    <message>
        <source>P&amp;rint receipt…</source>
        <translation>Beleg d&amp;rucken…</translation>
    </message>
    <message>
        <source>Save receipt P&amp;DF…</source>
        <translation>Beleg als &amp;PDF speichern…</translation>
    </message>
    <message>
        <source>Do&amp;ne</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>Preparing the receipt…</source>
        <translation>Beleg wird erstellt…</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Card payment could not be checked: %1 Take cash, or try again in a moment.</source>
        <translation>Die Kartenzahlung konnte nicht geprüft werden: %1 Kassieren Sie bar oder versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>%1 Take the payment in cash instead; card payment comes back once the payment server is running again.</source>
        <translation>%1 Kassieren Sie stattdessen bar; die Kartenzahlung steht wieder zur Verfügung, sobald der Zahlungsserver wieder läuft.</translation>
    </message>
    <message>
        <source>Reader %1 (%2)</source>
        <translation>Kartenleser %1 (%2)</translation>
    </message>
    <message>
        <source>Sending to the reader…</source>
        <translation>Wird an den Kartenleser gesendet…</translation>
    </message>
    <message>
        <source>Asking for a payment link…</source>
        <translation>Zahlungslink wird angefordert…</translation>
    </message>
    <message>
        <source>The payment&apos;s state could not be read: %1</source>
        <translation>Der Stand der Zahlung konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>CardPaymentProgress</name>
    <message>
        <source>Sending the amount to the reader…</source>
        <translation>Der Betrag wird an den Kartenleser gesendet…</translation>
    </message>
    <message>
        <source>Asking Stripe for a payment link…</source>
        <translation>Stripe wird um einen Zahlungslink gebeten…</translation>
    </message>
    <message>
        <source>Waiting for the card: the customer taps, inserts or swipes it on the reader.</source>
        <translation>Warten auf die Karte: Der Kunde hält sie an den Kartenleser, steckt sie ein oder zieht sie durch.</translation>
    </message>
    <message>
        <source>Waiting for the customer to pay on their phone.</source>
        <translation>Warten, bis der Kunde auf seinem Handy bezahlt.</translation>
    </message>
    <message>
        <source>The bank is processing the payment…</source>
        <translation>Die Bank bearbeitet die Zahlung…</translation>
    </message>
    <message>
        <source>Declined: %1 Try again with another card, or take cash.</source>
        <translation>Abgelehnt: %1 Versuchen Sie es mit einer anderen Karte oder kassieren Sie bar.</translation>
    </message>
    <message>
        <source>The card payment failed. Try again, or take cash.</source>
        <translation>Die Kartenzahlung ist fehlgeschlagen. Versuchen Sie es erneut oder kassieren Sie bar.</translation>
    </message>
    <message>
        <source>The card payment failed: %1 Try again, or take cash.</source>
        <translation>Die Kartenzahlung ist fehlgeschlagen: %1 Versuchen Sie es erneut oder kassieren Sie bar.</translation>
    </message>
    <message>
        <source>The card payment was cancelled; nothing was charged.</source>
        <translation>Die Kartenzahlung wurde abgebrochen; es wurde nichts belastet.</translation>
    </message>
    <message>
        <source>The payment link expired unpaid. Start again for a new one, or take cash.</source>
        <translation>Der Zahlungslink ist unbezahlt abgelaufen. Fordern Sie einen neuen an oder kassieren Sie bar.</translation>
    </message>
    <message>
        <source>Paid: %1 by card.</source>
        <translation>Bezahlt: %1 mit Karte.</translation>
    </message>
    <message>
        <source>%1:%2 left</source>
        <translation>noch %1:%2</translation>
    </message>
</context>
<context>
    <name>CardPaymentRequests</name>
    <message>
        <source>Cancelled before it was sent to Stripe.</source>
        <translation>Abgebrochen, bevor es an Stripe ging.</translation>
    </message>
    <message>
        <source>There is no card reader %1 (see: carwash-admin reader list).</source>
        <translation>Es gibt kein Kartenlesegerät %1 (siehe: carwash-admin reader list).</translation>
    </message>
    <message>
        <source>Booking %1 cannot be paid: its status is %2.</source>
        <translation>Buchung %1 kann nicht bezahlt werden: Ihr Status ist %2.</translation>
    </message>
    <message>
        <source>A card payment of booking %1 is being processed by the bank; wait for it to succeed or fail before asking again.</source>
        <translation>Eine Kartenzahlung für Buchung %1 wird von der Bank bearbeitet; warten Sie, bis sie gelingt oder scheitert, bevor Sie erneut anfragen.</translation>
    </message>
    <message>
        <source>Booking %1 is already paid; nothing is due.</source>
        <translation>Die Buchung %1 ist bereits bezahlt; nichts ist offen.</translation>
    </message>
    <message>
        <source>There is no payment with ID %1.</source>
        <translation>Es gibt keine Zahlung mit der ID %1.</translation>
    </message>
    <message>
        <source>Payment %1 was taken in cash; give money back with a refund instead.</source>
        <translation>Zahlung %1 erfolgte in bar; geben Sie Geld stattdessen per Erstattung zurück.</translation>
    </message>
    <message>
        <source>Payment %1 is no longer waiting to be paid (it is %2); there is nothing to cancel.</source>
        <translation>Zahlung %1 wartet nicht mehr auf Bezahlung (sie ist %2); es gibt nichts abzubrechen.</translation>
    </message>
    <message>
        <source>A refund must be more than nothing.</source>
        <translation>Eine Erstattung muss mehr als nichts sein.</translation>
    </message>
    <message>
        <source>Nothing was paid for booking %1, so there is nothing to refund.</source>
        <translation>Für Buchung %1 wurde nichts bezahlt, also gibt es nichts zu erstatten.</translation>
    </message>
    <message>
        <source>Nothing is left to refund of payment %1.</source>
        <translation>Von Zahlung %1 ist nichts mehr zu erstatten.</translation>
    </message>
    <message>
        <source>Nothing is left to refund on booking %1.</source>
        <translation>Für Buchung %1 ist nichts mehr zu erstatten.</translation>
    </message>
    <message>
        <source>%1 is more than is left to refund on booking %2: at most %3.</source>
        <translation>%1 ist mehr, als für Buchung %2 noch zu erstatten ist: höchstens %3.</translation>
    </message>
    <message>
        <source>A card payment changed meanwhile; try again.</source>
        <translation>Eine Kartenzahlung hat sich inzwischen geändert; bitte erneut versuchen.</translation>
    </message>
</context>
<context>
    <name>CardPaymentUpdater</name>
    <message>
        <source>%1 was paid by card for booking %2 after its hold ended, and another booking had taken the slot meanwhile. The payment is being refunded automatically; offer the customer another time.</source>
        <translation>%1 wurde für Buchung %2 nach Ablauf der Reservierung per Karte bezahlt, und eine andere Buchung hatte den Termin inzwischen belegt. Die Zahlung wird automatisch erstattet; bieten Sie dem Kunden einen anderen Termin an.</translation>
    </message>
    <message>
        <source>%1 was paid by card for booking %2 after it was cancelled or marked a no-show. Refund it if the customer is not coming.</source>
        <translation>%1 wurde für Buchung %2 per Karte bezahlt, nachdem sie storniert oder als nicht erschienen markiert wurde. Erstatten Sie den Betrag, wenn der Kunde nicht kommt.</translation>
    </message>
    <message>
        <source>Booking %1 was paid twice. %2 of the card payment is being refunded automatically.</source>
        <translation>Buchung %1 wurde doppelt bezahlt. %2 der Kartenzahlung werden automatisch erstattet.</translation>
    </message>
    <message>
        <source>The refund of %1 for booking %2 failed at Stripe (%3). Give the money back another way, such as cash, and record it.</source>
        <translation>Die Erstattung von %1 für Buchung %2 ist bei Stripe fehlgeschlagen (%3). Geben Sie das Geld auf anderem Weg zurück, etwa bar, und erfassen Sie es.</translation>
    </message>
</context>
<context>
    <name>CardReadersDialog</name>
    <message>
        <source>Card readers</source>
        <translation>Kartenlesegeräte</translation>
    </message>
    <message>
        <source>The Stripe Terminal readers registered in Stripe&apos;s dashboard. Each desk and kiosk takes card payments on the one reader assigned to it.</source>
        <translation>Die im Stripe-Dashboard registrierten Stripe-Terminal-Lesegeräte. Jeder Schalter und jeder Kiosk nimmt Kartenzahlungen an dem einen Lesegerät an, das ihm zugeordnet ist.</translation>
    </message>
    <message>
        <source>Rea&amp;ders:</source>
        <translation>Lese&amp;geräte:</translation>
    </message>
    <message>
        <source>Reader</source>
        <translation>Lesegerät</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Zugeordnet zu</translation>
    </message>
    <message>
        <source>Reader &amp;ID:</source>
        <translation>Lesegeräte-&amp;ID:</translation>
    </message>
    <message>
        <source>New reader&apos;s ID</source>
        <translation>ID des neuen Lesegeräts</translation>
    </message>
    <message>
        <source>&amp;Label:</source>
        <translation>&amp;Bezeichnung:</translation>
    </message>
    <message>
        <source>New reader&apos;s label</source>
        <translation>Bezeichnung des neuen Lesegeräts</translation>
    </message>
    <message>
        <source>Front desk reader</source>
        <translation>Lesegerät Empfang</translation>
    </message>
    <message>
        <source>&amp;Add reader</source>
        <translation>Lesegerät &amp;hinzufügen</translation>
    </message>
    <message>
        <source>Add the reader</source>
        <translation>Das Lesegerät hinzufügen</translation>
    </message>
    <message>
        <source>Assign &amp;to:</source>
        <translation>&amp;Zuordnen zu:</translation>
    </message>
    <message>
        <source>Assign the reader to a desk or a kiosk</source>
        <translation>Das Lesegerät einem Schalter oder einem Kiosk zuordnen</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Schalter</translation>
    </message>
    <message>
        <source>Kiosk</source>
        <translation>Kiosk</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Name of the desk or kiosk</source>
        <translation>Name des Schalters oder Kiosks</translation>
    </message>
    <message>
        <source>A&amp;ssign</source>
        <translation>Zu&amp;ordnen</translation>
    </message>
    <message>
        <source>Assign the selected reader to that desk or kiosk</source>
        <translation>Das gewählte Lesegerät diesem Schalter oder Kiosk zuordnen</translation>
    </message>
    <message>
        <source>&amp;Unassign</source>
        <translation>Zuordnung a&amp;ufheben</translation>
    </message>
    <message>
        <source>Unassign the selected reader from its desk or kiosk</source>
        <translation>Die Zuordnung des gewählten Lesegeräts zu seinem Schalter oder Kiosk aufheben</translation>
    </message>
    <message>
        <source>Re&amp;move reader</source>
        <translation>Lesegerät ent&amp;fernen</translation>
    </message>
    <message>
        <source>Remove the selected reader</source>
        <translation>Das gewählte Lesegerät entfernen</translation>
    </message>
    <message>
        <source>Not assigned</source>
        <translation>Nicht zugeordnet</translation>
    </message>
    <message>
        <source>Desk &quot;%1&quot; (this desk)</source>
        <translation>Schalter „%1“ (dieser Schalter)</translation>
    </message>
    <message>
        <source>%1 (this desk)</source>
        <translation>%1 (dieser Schalter)</translation>
    </message>
    <message>
        <source>The reader was not added.</source>
        <translation>Das Lesegerät wurde nicht hinzugefügt.</translation>
    </message>
    <message>
        <source>Reader %1 (%2) added; assign it to a desk or kiosk to take payments on it.</source>
        <translation>Lesegerät %1 (%2) hinzugefügt; ordnen Sie es einem Schalter oder Kiosk zu, um damit Zahlungen anzunehmen.</translation>
    </message>
    <message>
        <source>Reader %1 was not removed.</source>
        <translation>Lesegerät %1 wurde nicht entfernt.</translation>
    </message>
    <message>
        <source>Reader %1 (%2) removed.</source>
        <translation>Lesegerät %1 (%2) entfernt.</translation>
    </message>
    <message>
        <source>Reader %1 was not assigned.</source>
        <translation>Lesegerät %1 wurde nicht zugeordnet.</translation>
    </message>
    <message>
        <source>Reader %1 now takes the card payments of the %2.</source>
        <translation>Lesegerät %1 nimmt jetzt die Kartenzahlungen für %2 an.</translation>
    </message>
    <message>
        <source>Reader %1 was not unassigned.</source>
        <translation>Die Zuordnung von Lesegerät %1 wurde nicht aufgehoben.</translation>
    </message>
    <message>
        <source>Reader %1 no longer serves the %2.</source>
        <translation>Lesegerät %1 dient nicht mehr %2.</translation>
    </message>
    <message>
        <source>Kiosk &quot;%1&quot;</source>
        <translation>Kiosk „%1“</translation>
    </message>
    <message>
        <source>Desk &quot;%1&quot;</source>
        <translation>Schalter „%1“</translation>
    </message>
    <message>
        <source>The card readers could not be loaded.</source>
        <translation>Die Kartenlesegeräte konnten nicht geladen werden.</translation>
    </message>
</context>
<context>
    <name>CashPaymentDialog</name>
    <message>
        <source>Cash payment — %1</source>
        <translation>Barzahlung — %1</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>Offener Betrag</translation>
    </message>
    <message>
        <source>Amount tendered</source>
        <translation>Gegebener Betrag</translation>
    </message>
    <message>
        <source>&amp;Tendered (%1):</source>
        <translation>&amp;Gegeben (%1):</translation>
    </message>
    <message>
        <source>E&amp;xact %1</source>
        <translation>Pa&amp;ssend %1</translation>
    </message>
    <message>
        <source>&amp;%1: %2</source>
        <translation>&amp;%1: %2</translation>
    </message>
    <message>
        <source>Tendered %1</source>
        <translation>Gegeben %1</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Rückgeld</translation>
    </message>
    <message>
        <source>Amount due:</source>
        <translation>Offener Betrag:</translation>
    </message>
    <message>
        <source>Change:</source>
        <translation>Rückgeld:</translation>
    </message>
    <message>
        <source>Take &amp;payment</source>
        <translation>Zahlung &amp;kassieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>P&amp;rint receipt…</source>
        <translation>Beleg d&amp;rucken…</translation>
    </message>
    <message>
        <source>Save receipt P&amp;DF…</source>
        <translation>Beleg als &amp;PDF speichern…</translation>
    </message>
    <message>
        <source>Preparing the receipt…</source>
        <translation>Beleg wird erstellt…</translation>
    </message>
    <message>
        <source>Not an amount</source>
        <translation>Kein Betrag</translation>
    </message>
    <message>
        <source>%1 short</source>
        <translation>%1 zu wenig</translation>
    </message>
    <message>
        <source>Type the amount handed over, for example %1.</source>
        <translation>Geben Sie den gegebenen Betrag ein, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>%1 is less than the %2 due.</source>
        <translation>%1 ist weniger als die offenen %2.</translation>
    </message>
    <message>
        <source>Recording payment…</source>
        <translation>Zahlung wird gebucht…</translation>
    </message>
    <message>
        <source>Change: %1</source>
        <translation>Rückgeld: %1</translation>
    </message>
    <message>
        <source>%1 paid in cash; %2 tendered.</source>
        <translation>%1 bar bezahlt; %2 gegeben.</translation>
    </message>
    <message>
        <source>Do&amp;ne</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>That is more than a desk takes in cash; check the amount.</source>
        <translation>Das ist mehr, als ein Schalter bar annimmt; prüfen Sie den Betrag.</translation>
    </message>
</context>
<context>
    <name>CatalogRepo</name>
    <message>
        <source>The name is required (1 to %1 characters).</source>
        <translation>Der Name ist erforderlich (1 bis %1 Zeichen).</translation>
    </message>
    <message>
        <source>The name may have at most %1 characters; it has %2.</source>
        <translation>Der Name darf höchstens %1 Zeichen haben; er hat %2.</translation>
    </message>
    <message>
        <source>The name may not contain line breaks or control characters.</source>
        <translation>Der Name darf keine Zeilenumbrüche oder Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>The description may have at most %1 characters.</source>
        <translation>Die Beschreibung darf höchstens %1 Zeichen haben.</translation>
    </message>
    <message>
        <source>The description may not contain control characters.</source>
        <translation>Die Beschreibung darf keine Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>The duration must be %1 to %2 minutes, not %3.</source>
        <translation>Die Dauer muss %1 bis %2 Minuten betragen, nicht %3.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a vehicle class; the classes are %2.</source>
        <translation>„%1“ ist keine Fahrzeugklasse; die Klassen sind %2.</translation>
    </message>
    <message>
        <source>An active service needs a price for at least one vehicle class.</source>
        <translation>Eine aktive Leistung braucht einen Preis für mindestens eine Fahrzeugklasse.</translation>
    </message>
    <message>
        <source>The extra time must be 0 to %1 minutes, not %2.</source>
        <translation>Die Zusatzzeit muss 0 bis %1 Minuten betragen, nicht %2.</translation>
    </message>
    <message>
        <source>The kind must be one of %1, not &quot;%2&quot;.</source>
        <translation>Die Art muss eine von %1 sein, nicht „%2“.</translation>
    </message>
    <message>
        <source>There is no service with ID %1 (it may have just been deleted); reload and choose again.</source>
        <translation>Es gibt keine Leistung mit der ID %1 (vielleicht gerade gelöscht); laden Sie neu und wählen Sie erneut.</translation>
    </message>
    <message>
        <source>%1 called &quot;%2&quot; already exists; choose another name.</source>
        <translation>%1 mit dem Namen „%2“ existiert bereits; wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>A service</source>
        <translation>Eine Leistung</translation>
    </message>
    <message>
        <source>There is no service with ID %1 (it may have just been deleted).</source>
        <translation>Es gibt keine Leistung mit der ID %1 (vielleicht gerade gelöscht).</translation>
    </message>
    <message>
        <source>An add-on</source>
        <translation>Eine Zusatzleistung</translation>
    </message>
    <message>
        <source>There is no add-on with ID %1 (it may have just been deleted).</source>
        <translation>Es gibt keine Zusatzleistung mit der ID %1 (vielleicht gerade gelöscht).</translation>
    </message>
    <message>
        <source>A bay</source>
        <translation>Ein Waschplatz</translation>
    </message>
    <message>
        <source>There is no bay with ID %1 (it may have just been deleted).</source>
        <translation>Es gibt keinen Waschplatz mit der ID %1 (vielleicht gerade gelöscht).</translation>
    </message>
    <message numerus="yes">
        <source>%1 takes no new bookings; %n upcoming booking(s) already on it stay there.</source>
        <translation>
            <numerusform>%1 nimmt keine neuen Buchungen an; %n anstehende Buchung bleibt dort.</numerusform>
            <numerusform>%1 nimmt keine neuen Buchungen an; %n anstehende Buchungen bleiben dort.</numerusform>
        </translation>
    </message>
    <message>
        <source>There is nothing with ID %1 to remove (it may have just been deleted).</source>
        <translation>Es gibt nichts mit der ID %1 zu entfernen (vielleicht gerade gelöscht).</translation>
    </message>
    <message numerus="yes">
        <source>%1 was deactivated, not deleted: %n booking(s) refer to it and keep their history. It is no longer offered.</source>
        <translation>
            <numerusform>%1 wurde deaktiviert, nicht gelöscht: %n Buchung verweist darauf und behält ihren Verlauf. Es wird nicht mehr angeboten.</numerusform>
            <numerusform>%1 wurde deaktiviert, nicht gelöscht: %n Buchungen verweisen darauf und behalten ihren Verlauf. Es wird nicht mehr angeboten.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 was deleted.</source>
        <translation>%1 wurde gelöscht.</translation>
    </message>
    <message>
        <source>The price for %1 must be from 0 to %2.</source>
        <translation>Der Preis für %1 muss zwischen 0 und %2 liegen.</translation>
    </message>
    <message>
        <source>The price must be from 0 to %1.</source>
        <translation>Der Preis muss zwischen 0 und %1 liegen.</translation>
    </message>
</context>
<context>
    <name>CatalogueEditorPage</name>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>New: %1</source>
        <translation>Neu: %1</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save: %1</source>
        <translation>Speichern: %1</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen…</translation>
    </message>
    <message>
        <source>Remove or deactivate: %1</source>
        <translation>Entfernen oder deaktivieren: %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>New entry: fill in the form and press Save.</source>
        <translation>Neuer Eintrag: Füllen Sie das Formular aus und drücken Sie Speichern.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>Nicht gespeichert.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message>
        <source>Saved. %1</source>
        <translation>Gespeichert. %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 is on %n booking(s), so it will be deactivated rather than deleted: it is no longer offered, and those bookings keep it. Go ahead?</source>
        <translation>
            <numerusform>%1 steht in %n Buchung und wird daher deaktiviert statt gelöscht: Es wird nicht mehr angeboten, die Buchung behält es. Fortfahren?</numerusform>
            <numerusform>%1 steht in %n Buchungen und wird daher deaktiviert statt gelöscht: Es wird nicht mehr angeboten, die Buchungen behalten es. Fortfahren?</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete %1? No booking refers to it.</source>
        <translation>%1 löschen? Keine Buchung verweist darauf.</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>&amp;Deactivate</source>
        <translation>&amp;Deaktivieren</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation>Wird entfernt…</translation>
    </message>
    <message>
        <source>%1 was not removed.</source>
        <translation>%1 wurde nicht entfernt.</translation>
    </message>
</context>
<context>
    <name>CatalogueText</name>
    <message>
        <source>Tunnel</source>
        <translation>Waschstraße</translation>
    </message>
    <message>
        <source>Detail bay</source>
        <translation>Pflegeplatz</translation>
    </message>
    <message>
        <source>Self-serve</source>
        <translation>SB-Waschplatz</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
</context>
<context>
    <name>ClosuresPage</name>
    <message>
        <source>Closures</source>
        <translation>Schließtage</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Closed from</source>
        <translation>Geschlossen ab</translation>
    </message>
    <message>
        <source>Closed until</source>
        <translation>Geschlossen bis</translation>
    </message>
    <message>
        <source>For example: Public holiday</source>
        <translation>Zum Beispiel: Feiertag</translation>
    </message>
    <message>
        <source>&amp;Add closure</source>
        <translation>Schließtag &amp;hinzufügen</translation>
    </message>
    <message>
        <source>Add the closure</source>
        <translation>Den Schließtag hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Entfernen…</translation>
    </message>
    <message>
        <source>Remove the selected closure</source>
        <translation>Den ausgewählten Schließtag entfernen</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Bis:</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>New closure (whole days, both included):</source>
        <translation>Neue Schließzeit (ganze Tage, beide eingeschlossen):</translation>
    </message>
    <message>
        <source>The closures could not be loaded.</source>
        <translation>Die Schließtage konnten nicht geladen werden.</translation>
    </message>
    <message>
        <source>Past</source>
        <translation>Vergangen</translation>
    </message>
    <message>
        <source>The last day closed is before the first.</source>
        <translation>Der letzte geschlossene Tag liegt vor dem ersten.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>The closure was not added.</source>
        <translation>Der Schließtag wurde nicht hinzugefügt.</translation>
    </message>
    <message>
        <source>Saved: closed %1 to %2.</source>
        <translation>Gespeichert: geschlossen vom %1 bis %2.</translation>
    </message>
    <message>
        <source>Remove closure</source>
        <translation>Schließtag entfernen</translation>
    </message>
    <message>
        <source>Open again on %1 to %2 (%3)?</source>
        <translation>Vom %1 bis %2 (%3) wieder öffnen?</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Removing…</source>
        <translation>Wird entfernt…</translation>
    </message>
    <message>
        <source>The closure was not removed.</source>
        <translation>Der Schließtag wurde nicht entfernt.</translation>
    </message>
    <message>
        <source>Removed the closure &quot;%1&quot;.</source>
        <translation>Der Schließtag „%1“ wurde entfernt.</translation>
    </message>
</context>
<context>
    <name>ConfirmationMail</name>
    <message>
        <source>Cancelled: your booking %1 at %2</source>
        <translation>Storniert: Ihre Buchung %1 bei %2</translation>
    </message>
    <message>
        <source>New time for your booking %1 at %2</source>
        <translation>Neue Zeit für Ihre Buchung %1 bei %2</translation>
    </message>
    <message>
        <source>Booking confirmed: %1 at %2</source>
        <translation>Buchung bestätigt: %1 bei %2</translation>
    </message>
    <message>
        <source>Confirmation code</source>
        <translation>Bestätigungscode</translation>
    </message>
    <message>
        <source>Wash</source>
        <translation>Wäsche</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Fahrzeug</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Waschplatz</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>You paid %1 for this booking; it is refunded to you the way you paid.</source>
        <translation>Sie haben für diese Buchung %1 bezahlt; der Betrag wird Ihnen auf dem Weg erstattet, auf dem Sie bezahlt haben.</translation>
    </message>
    <message>
        <source>The attached calendar file removes the booking from your calendar.</source>
        <translation>Die angehängte Kalenderdatei entfernt die Buchung aus Ihrem Kalender.</translation>
    </message>
    <message>
        <source>If you did not ask for this, please contact us. You are welcome to book again at any time.</source>
        <translation>Falls Sie das nicht veranlasst haben, wenden Sie sich bitte an uns. Sie können jederzeit wieder buchen.</translation>
    </message>
    <message>
        <source>Please arrive a few minutes before the start and show this code or its QR code at the desk or the kiosk.</source>
        <translation>Bitte kommen Sie einige Minuten vor Beginn und zeigen Sie diesen Code oder seinen QR-Code am Schalter oder am Kiosk.</translation>
    </message>
    <message>
        <source>The attached calendar file adds the booking to your calendar.</source>
        <translation>Die angehängte Kalenderdatei trägt die Buchung in Ihren Kalender ein.</translation>
    </message>
    <message>
        <source>Your booking at %1 has been cancelled.</source>
        <translation>Ihre Buchung bei %1 wurde storniert.</translation>
    </message>
    <message>
        <source>Your booking at %1 has a new time. The new details:</source>
        <translation>Ihre Buchung bei %1 hat eine neue Zeit. Die neuen Angaben:</translation>
    </message>
    <message>
        <source>Thank you for booking at %1. Your booking is confirmed:</source>
        <translation>Vielen Dank für Ihre Buchung bei %1. Ihre Buchung ist bestätigt:</translation>
    </message>
    <message>
        <source>Hello %1,</source>
        <translation>Hallo %1,</translation>
    </message>
    <message>
        <source>QR code of the confirmation code %1</source>
        <translation>QR-Code des Bestätigungscodes %1</translation>
    </message>
</context>
<context>
    <name>ConnectRefusal</name>
    <message>
        <source>The database server does not accept the connection with sslmode “%1”, but answers without SSL. Change sslmode in the database settings (or in DATABASE_URL) to prefer or disable, or set up SSL on the server.</source>
        <translation>Der Datenbankserver nimmt die Verbindung mit sslmode „%1“ nicht an, antwortet aber ohne SSL. Stellen Sie sslmode in den Datenbankeinstellungen (oder in DATABASE_URL) auf prefer oder disable, oder richten Sie SSL auf dem Server ein.</translation>
    </message>
    <message>
        <source>The database server asks for a password for user “%1” and none is set. Enter the password in the database settings (or in DATABASE_URL).</source>
        <translation>Der Datenbankserver verlangt ein Passwort für den Benutzer „%1“, es ist aber keines eingetragen. Geben Sie das Passwort in den Datenbankeinstellungen (oder in DATABASE_URL) ein.</translation>
    </message>
    <message>
        <source>The database server refused the password for user “%1”. Enter the right password in the database settings (or in DATABASE_URL).</source>
        <translation>Der Datenbankserver hat das Passwort für den Benutzer „%1“ abgelehnt. Geben Sie das richtige Passwort in den Datenbankeinstellungen (oder in DATABASE_URL) ein.</translation>
    </message>
    <message>
        <source>The database “%1” does not exist on the server. Check the database name in the database settings (or in DATABASE_URL).</source>
        <translation>Die Datenbank „%1“ gibt es auf dem Server nicht. Prüfen Sie den Datenbanknamen in den Datenbankeinstellungen (oder in DATABASE_URL).</translation>
    </message>
    <message>
        <source>User “%1” may not connect to the database “%2”. Check the user name in the database settings, or ask the database administrator to grant it CONNECT.</source>
        <translation>Der Benutzer „%1“ darf sich nicht mit der Datenbank „%2“ verbinden. Prüfen Sie den Benutzernamen in den Datenbankeinstellungen, oder bitten Sie die Datenbankverwaltung, ihm CONNECT zu gewähren.</translation>
    </message>
    <message>
        <source>The database server does not let user “%1” connect to “%2” from this computer: the user name is wrong, or the server&apos;s pg_hba.conf does not allow it. Check the user name in the database settings, or ask the database administrator to allow this computer in pg_hba.conf.</source>
        <translation>Der Datenbankserver lässt den Benutzer „%1“ von diesem Computer aus nicht mit „%2“ verbinden: Der Benutzername ist falsch, oder die pg_hba.conf des Servers erlaubt es nicht. Prüfen Sie den Benutzernamen in den Datenbankeinstellungen, oder bitten Sie die Datenbankverwaltung, diesen Computer in pg_hba.conf zuzulassen.</translation>
    </message>
    <message>
        <source>The database servers (%1) answer, but none of them is in the role the settings ask for (target_session_attrs=%2): the primary may be down while a standby takes over. The program keeps retrying; if this lasts, ask the database administrator to check the servers&apos; failover.</source>
        <translation>Die Datenbankserver (%1) antworten, aber keiner hat die Rolle, die die Einstellungen verlangen (target_session_attrs=%2): Der Primärserver ist vielleicht ausgefallen, während ein Standby-Server übernimmt. Das Programm versucht es weiter; hält das an, bitten Sie den Datenbankadministrator, das Failover der Server zu prüfen.</translation>
    </message>
</context>
<context>
    <name>CustomerChanges</name>
    <message>
        <source>There is no such booking.</source>
        <translation>Diese Buchung gibt es nicht.</translation>
    </message>
    <message>
        <source>This booking is %1 and can no longer be cancelled.</source>
        <translation>Diese Buchung ist %1 und kann nicht mehr storniert werden.</translation>
    </message>
    <message>
        <source>This booking is %1 and can no longer be moved.</source>
        <translation>Diese Buchung ist %1 und kann nicht mehr verlegt werden.</translation>
    </message>
    <message numerus="yes">
        <source>A booking can be changed online until %n minute(s) before its start; please call or visit the car wash.</source>
        <translation>
            <numerusform>Eine Buchung kann online bis %n Minute vor Beginn geändert werden; bitte rufen Sie an oder kommen Sie vorbei.</numerusform>
            <numerusform>Eine Buchung kann online bis %n Minuten vor Beginn geändert werden; bitte rufen Sie an oder kommen Sie vorbei.</numerusform>
        </translation>
    </message>
    <message>
        <source>This booking was paid at the car wash; please see the desk to cancel it and have your money back.</source>
        <translation>Diese Buchung wurde an der Waschanlage bezahlt; bitte stornieren Sie sie am Schalter, dort erhalten Sie Ihr Geld zurück.</translation>
    </message>
</context>
<context>
    <name>CustomerEraser</name>
    <message>
        <source>Name the customer to forget: their ID, phone number or e-mail address.</source>
        <translation>Geben Sie an, welcher Kunde vergessen werden soll: seine ID, Telefonnummer oder E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an e-mail address (name@example.com).</source>
        <translation>„%1“ ist keine E-Mail-Adresse (name@example.com).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a customer ID.</source>
        <translation>„%1“ ist keine Kunden-ID.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a phone number: it needs at least 3 digits (spaces, dashes, dots, parentheses and a leading + may be among them).</source>
        <translation>„%1“ ist keine Telefonnummer: Sie braucht mindestens 3 Ziffern (Leerzeichen, Bindestriche, Punkte, Klammern und ein führendes + dürfen dazwischen stehen).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a customer ID (a number), a phone number (+1 555-0100) nor an e-mail address.</source>
        <translation>„%1“ ist weder eine Kunden-ID (eine Zahl) noch eine Telefonnummer (+1 555-0100) noch eine E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>There is no customer with ID %1.</source>
        <translation>Es gibt keinen Kunden mit der ID %1.</translation>
    </message>
    <message>
        <source>No customer has the phone number %1 (compared by its digits).</source>
        <translation>Kein Kunde hat die Telefonnummer %1 (nach ihren Ziffern verglichen).</translation>
    </message>
    <message>
        <source>No customer has the e-mail address %1.</source>
        <translation>Kein Kunde hat die E-Mail-Adresse %1.</translation>
    </message>
</context>
<context>
    <name>CustomerRepo</name>
    <message>
        <source>Search for a plate, a phone number or part of a name (1 to 100 characters).</source>
        <translation>Suchen Sie nach einem Kennzeichen, einer Telefonnummer oder einem Teil eines Namens (1 bis 100 Zeichen).</translation>
    </message>
    <message>
        <source>A plate has 2 to 10 letters or digits.</source>
        <translation>Ein Kennzeichen hat 2 bis 10 Buchstaben oder Ziffern.</translation>
    </message>
</context>
<context>
    <name>DailyBackup</name>
    <message>
        <source>The backup folder %1 cannot be made; check that its disk is connected and writable, or choose another folder.</source>
        <translation>Der Sicherungsordner %1 kann nicht angelegt werden; prüfen Sie, ob sein Datenträger angeschlossen und beschreibbar ist, oder wählen Sie einen anderen Ordner.</translation>
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
    <message>
        <source>DATABASE_URL: host &quot;%1&quot; holds a comma; separate several hosts with a plain comma: postgresql://host1:5432,host2:5432/database.</source>
        <translation>DATABASE_URL: Der Host „%1“ enthält ein Komma; trennen Sie mehrere Hosts mit einem einfachen Komma: postgresql://host1:5432,host2:5432/database.</translation>
    </message>
    <message>
        <source>DATABASE_URL target_session_attrs: &quot;%1&quot; is not valid; accepted: %2.</source>
        <translation>DATABASE_URL target_session_attrs: „%1“ ist ungültig; zulässig: %2.</translation>
    </message>
    <message>
        <source>DATABASE_URL: %1 ports for %2 hosts; give one port for each host, or one for all.</source>
        <translation>DATABASE_URL: %1 Ports für %2 Hosts; geben Sie einen Port je Host an oder einen für alle.</translation>
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
        <source>Wait to &amp;connect up to:</source>
        <translation>Auf &amp;Verbindungsaufbau warten bis:</translation>
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
        <translation>Die Einstellungen konnten nicht nach %1 geschrieben werden.</translation>
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
    <message>
        <source>Wait for a &amp;free one up to:</source>
        <translation>&amp;Auf freie Verbindung warten bis:</translation>
    </message>
    <message>
        <source>Longest a query may run, in seconds; 0 for no limit</source>
        <translation>Längste Laufzeit einer Abfrage in Sekunden; 0 für keine Grenze</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <source>The server stops a query that runs longer, and a connection that stays silent longer (plus 10 s) is treated as broken and replaced.</source>
        <translation>Der Server bricht eine Abfrage ab, die länger läuft, und eine Verbindung, die länger (plus 10 s) schweigt, gilt als unterbrochen und wird ersetzt.</translation>
    </message>
    <message>
        <source>Stop a &amp;query after:</source>
        <translation>Abfrage abbre&amp;chen nach:</translation>
    </message>
    <message>
        <source>Could not connect to %1.
%2</source>
        <translation>Keine Verbindung zu %1 möglich.
%2</translation>
    </message>
    <message>
        <source>This program takes its database from DATABASE_URL in its environment, which comes before the settings saved here. Saving here will not change the database the programs use until DATABASE_URL is removed from their environment.</source>
        <translation>Dieses Programm nimmt seine Datenbank aus DATABASE_URL in seiner Umgebung, die Vorrang vor den hier gespeicherten Einstellungen hat. Speichern hier ändert die Datenbank der Programme nicht, bis DATABASE_URL aus ihrer Umgebung entfernt ist.</translation>
    </message>
    <message>
        <source>This computer&apos;s site file %1 sets the database for every program, and it comes before the settings saved here. Saving here will not change the database the programs use until that file is removed.</source>
        <translation>Die Standortdatei %1 dieses Computers legt die Datenbank für alle Programme fest und hat Vorrang vor den hier gespeicherten Einstellungen. Speichern hier ändert die Datenbank der Programme nicht, bis diese Datei entfernt ist.</translation>
    </message>
    <message>
        <source>Where the settings in use come from</source>
        <translation>Woher die verwendeten Einstellungen stammen</translation>
    </message>
    <message>
        <source>The longest wait for a free connection</source>
        <translation>Die längste Wartezeit auf eine freie Verbindung</translation>
    </message>
    <message>
        <source>The longest wait to connect</source>
        <translation>Die längste Wartezeit beim Verbinden</translation>
    </message>
    <message>
        <source>The longest a query may run</source>
        <translation>Die längste Laufzeit einer Abfrage</translation>
    </message>
    <message>
        <source>%1: set by %2 in this program&apos;s environment.</source>
        <translation>%1: festgelegt durch %2 in der Umgebung dieses Programms.</translation>
    </message>
    <message>
        <source>%1: set by %2 in DATABASE_URL.</source>
        <translation>%1: festgelegt durch %2 in DATABASE_URL.</translation>
    </message>
    <message>
        <source>%1: set by %2 in the site file %3.</source>
        <translation>%1: festgelegt durch %2 in der Standortdatei %3.</translation>
    </message>
    <message>
        <source>These come before the values saved here, which change nothing for them.</source>
        <translation>Diese gehen den hier gespeicherten Werten vor; die gespeicherten Werte ändern an ihnen nichts.</translation>
    </message>
    <message>
        <source>Connection limits set outside these settings</source>
        <translation>Außerhalb dieser Einstellungen festgelegte Verbindungsgrenzen</translation>
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
    <name>DayBoardPage</name>
    <message>
        <source>&amp;Previous day</source>
        <translation>&amp;Vorheriger Tag</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Vorheriger Tag</translation>
    </message>
    <message>
        <source>Show the day before (Alt+Left)</source>
        <translation>Den Tag davor zeigen (Alt+Links)</translation>
    </message>
    <message>
        <source>Day shown</source>
        <translation>Angezeigter Tag</translation>
    </message>
    <message>
        <source>The day the board shows; open the calendar to pick another</source>
        <translation>Der Tag, den die Tafel zeigt; öffnen Sie den Kalender, um einen anderen zu wählen</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Nächster Tag</translation>
    </message>
    <message>
        <source>Show the day after (Alt+Right)</source>
        <translation>Den Tag danach zeigen (Alt+Rechts)</translation>
    </message>
    <message>
        <source>Toda&amp;y</source>
        <translation>&amp;Heute</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Show today (Ctrl+T)</source>
        <translation>Heute zeigen (Strg+T)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>Refresh the day board</source>
        <translation>Die Tagestafel aktualisieren</translation>
    </message>
    <message>
        <source>Load the board again (F5)</source>
        <translation>Die Tafel neu laden (F5)</translation>
    </message>
    <message>
        <source>Totals for the day</source>
        <translation>Summen des Tages</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>No day loaded yet</source>
        <translation>Noch kein Tag geladen</translation>
    </message>
    <message>
        <source>Legend of booking statuses</source>
        <translation>Legende der Buchungsstatus</translation>
    </message>
    <message>
        <source>Free time is tinted green; closed time is hatched grey.</source>
        <translation>Freie Zeit ist grün getönt; geschlossene Zeit grau schraffiert.</translation>
    </message>
    <message>
        <source>The day board could not be loaded. %1</source>
        <translation>Die Tagestafel konnte nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>Cars: %1 · Revenue: %2</source>
        <translation>Autos: %1 · Umsatz: %2</translation>
    </message>
    <message>
        <source>Not updated since %1</source>
        <translation>Nicht aktualisiert seit %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Aktualisiert %1</translation>
    </message>
    <message>
        <source>read-only while the database is unavailable</source>
        <translation>schreibgeschützt, solange die Datenbank nicht verfügbar ist</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>polling every %1 s</source>
        <translation>Abfrage alle %1 s</translation>
    </message>
    <message>
        <source>D&amp;ay:</source>
        <translation>&amp;Tag:</translation>
    </message>
    <message>
        <source>Ne&amp;xt day</source>
        <translation>&amp;Nächster Tag</translation>
    </message>
    <message>
        <source>Money: %1 paid · %2 partly · %3 unpaid · %4 card under way · %5 look at it</source>
        <translation>Geld: %1 bezahlt · %2 teilweise · %3 unbezahlt · %4 Kartenzahlung läuft · %5 bitte prüfen</translation>
    </message>
</context>
<context>
    <name>DayBoardView</name>
    <message>
        <source>Day board</source>
        <translation>Tagestafel</translation>
    </message>
    <message>
        <source>Bookings per bay over the day. Use Tab or the arrow keys to move between bookings, Enter to open one, and N to book the next free time in its bay.</source>
        <translation>Buchungen je Waschplatz über den Tag. Mit Tab oder den Pfeiltasten wechseln Sie zwischen Buchungen, mit Eingabe öffnen Sie eine, mit N buchen Sie die nächste freie Zeit auf ihrem Waschplatz.</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1, %2 – %3, %4</source>
        <translation>%1, %2 – %3, %4</translation>
    </message>
    <message>
        <source>Bay blocked for cleaning until %1</source>
        <translation>Waschplatz zur Reinigung belegt bis %1</translation>
    </message>
    <message>
        <source>Held for payment until %1</source>
        <translation>Für die Zahlung reserviert bis %1</translation>
    </message>
    <message>
        <source>Code %1 · %2</source>
        <translation>Code %1 · %2</translation>
    </message>
    <message>
        <source>Customer: %1</source>
        <translation>Kunde: %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Closed all day</source>
        <translation>Ganztägig geschlossen</translation>
    </message>
    <message>
        <source>Closed all day: %1</source>
        <translation>Ganztägig geschlossen: %1</translation>
    </message>
    <message>
        <source>No bays are set up. A manager can add bays and the services they offer.</source>
        <translation>Es sind keine Waschplätze eingerichtet. Ein Manager kann Waschplätze und ihre Leistungen anlegen.</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Schreibgeschützt</translation>
    </message>
    <message>
        <source>%1 free %2 – %3
Click to book from %4</source>
        <translation>%1 frei %2 – %3
Klicken, um ab %4 zu buchen</translation>
    </message>
    <message>
        <source>%1 free %2 – %3</source>
        <translation>%1 frei %2 – %3</translation>
    </message>
    <message>
        <source>%1 is busy (cleaning or a booking)</source>
        <translation>%1 ist belegt (Reinigung oder eine Buchung)</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
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
    <message>
        <source>The database request is malformed.</source>
        <translation>Die Datenbankanfrage ist fehlerhaft.</translation>
    </message>
    <message>
        <source>The connection pool is shutting down.</source>
        <translation>Der Verbindungspool wird heruntergefahren.</translation>
    </message>
    <message>
        <source>The database took too long to answer and stopped the action. Please try again later.</source>
        <translation>Die Datenbank hat zu lange für die Antwort gebraucht und die Aktion abgebrochen. Bitte versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>The database stopped answering, so the connection was dropped. The program keeps retrying; check the network between this computer and the database server.</source>
        <translation>Die Datenbank antwortet nicht mehr, deshalb wurde die Verbindung getrennt. Das Programm versucht es weiter; prüfen Sie das Netzwerk zwischen diesem Computer und dem Datenbankserver.</translation>
    </message>
    <message>
        <source>The database refused the connection: the database settings need changing.</source>
        <translation>Die Datenbank hat die Verbindung abgelehnt: Die Datenbankeinstellungen müssen geändert werden.</translation>
    </message>
    <message>
        <source>The database server accepts only reads right now (a standby, or a failover under way). The program keeps retrying; if this lasts, the database settings must name the primary server.</source>
        <translation>Der Datenbankserver nimmt gerade nur Lesezugriffe an (ein Standby-Server oder ein laufender Failover). Das Programm versucht es weiter; hält das an, müssen die Datenbankeinstellungen den Primärserver nennen.</translation>
    </message>
</context>
<context>
    <name>DecimalInput</name>
    <message>
        <source>Type a number, such as %1.</source>
        <translation>Geben Sie eine Zahl ein, etwa %1.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a number; type it like %2.</source>
        <translation>„%1“ ist keine Zahl; schreiben Sie sie wie %2.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is negative; type 0 or more.</source>
        <translation>„%1“ ist negativ; geben Sie 0 oder mehr ein.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has too many decimals; type it like %2.</source>
        <translation>„%1“ hat zu viele Nachkommastellen; schreiben Sie sie wie %2.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; could mean %2 or %3; type %2 without the thousands separator, or %3 with the decimal separator &quot;%4&quot;.</source>
        <translation>„%1“ kann %2 oder %3 bedeuten; schreiben Sie %2 ohne Tausendertrennzeichen oder %3 mit dem Dezimaltrennzeichen „%4“.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is too large.</source>
        <translation>„%1“ ist zu groß.</translation>
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
    <message>
        <source>Workspace</source>
        <translation>Arbeitsbereich</translation>
    </message>
    <message>
        <source>Day &amp;board</source>
        <translation>Tages&amp;tafel</translation>
    </message>
    <message>
        <source>Bookings per bay over the day (Ctrl+1)</source>
        <translation>Buchungen je Waschplatz über den Tag (Strg+1)</translation>
    </message>
    <message>
        <source>&amp;Wash menu</source>
        <translation>&amp;Waschkarte</translation>
    </message>
    <message>
        <source>Wash packages and prices (Ctrl+2)</source>
        <translation>Waschprogramme und Preise (Strg+2)</translation>
    </message>
    <message>
        <source>This car wash was set up at another desk meanwhile, so nothing was written here. Sign in with the name and PIN given there.</source>
        <translation>Diese Waschanlage wurde inzwischen an einem anderen Schalter eingerichtet, daher wurde hier nichts gespeichert. Melden Sie sich mit dem dort vergebenen Namen und der PIN an.</translation>
    </message>
</context>
<context>
    <name>DiagnosticsCharts</name>
    <message>
        <source>Pool usage</source>
        <translation>Pool-Auslastung</translation>
    </message>
    <message>
        <source>connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>frei</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>maximum</source>
        <translation>Maximum</translation>
    </message>
    <message>
        <source>Query latency</source>
        <translation>Abfragelatenz</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>average</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>95th percentile</source>
        <translation>95. Perzentil</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Fehlerrate</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>MiB</source>
        <translation>MiB</translation>
    </message>
    <message>
        <source>process RSS (MiB)</source>
        <translation>RSS des Prozesses (MiB)</translation>
    </message>
    <message>
        <source>system used %</source>
        <translation>% System belegt</translation>
    </message>
    <message>
        <source>system used (%)</source>
        <translation>System belegt (%)</translation>
    </message>
</context>
<context>
    <name>DiagnosticsModel</name>
    <message>
        <source>%1 on %2 (pid %3)</source>
        <translation>%1 auf %2 (PID %3)</translation>
    </message>
    <message>
        <source>This process</source>
        <translation>Dieser Prozess</translation>
    </message>
    <message>
        <source>All processes</source>
        <translation>Alle Prozesse</translation>
    </message>
    <message>
        <source>%1 (this process)</source>
        <translation>%1 (dieser Prozess)</translation>
    </message>
    <message>
        <source>The database could not be reached at the last probe.</source>
        <translation>Die Datenbank war bei der letzten Prüfung nicht erreichbar.</translation>
    </message>
    <message>
        <source>%1 &quot;%2&quot; on %3 (pid %4)</source>
        <translation>%1 „%2“ auf %3 (PID %4)</translation>
    </message>
</context>
<context>
    <name>DiagnosticsWindow</name>
    <message>
        <source>environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>saved settings</source>
        <translation>gespeicherte Einstellungen</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnose</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>This process</source>
        <translation>Dieser Prozess</translation>
    </message>
    <message>
        <source>All processes</source>
        <translation>Alle Prozesse</translation>
    </message>
    <message>
        <source>&amp;Process:</source>
        <translation>&amp;Prozess:</translation>
    </message>
    <message>
        <source>Chart window</source>
        <translation>Diagrammzeitraum</translation>
    </message>
    <message>
        <source>5 minutes</source>
        <translation>5 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>Chart &amp;window:</source>
        <translation>Diagramm&amp;zeitraum:</translation>
    </message>
    <message>
        <source>&amp;Save diagnostics…</source>
        <translation>Diagnose &amp;speichern…</translation>
    </message>
    <message>
        <source>Save diagnostics</source>
        <translation>Diagnose speichern</translation>
    </message>
    <message>
        <source>A JSON file with health history, slow queries, errors and configuration (no passwords), and a picture of the charts</source>
        <translation>Eine JSON-Datei mit Zustandsverlauf, langsamen Abfragen, Fehlern und Konfiguration (ohne Passwörter) sowie ein Bild der Diagramme</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>Schl&amp;ießen</translation>
    </message>
    <message>
        <source>Overall</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>C&amp;harts</source>
        <translation>&amp;Diagramme</translation>
    </message>
    <message>
        <source>Slow queries</source>
        <translation>Langsame Abfragen</translation>
    </message>
    <message>
        <source>Slow &amp;queries</source>
        <translation>&amp;Langsame Abfragen</translation>
    </message>
    <message>
        <source>Recent errors</source>
        <translation>Letzte Fehler</translation>
    </message>
    <message>
        <source>&amp;Errors</source>
        <translation>&amp;Fehler</translation>
    </message>
    <message>
        <source>Processes and pool sizing</source>
        <translation>Prozesse und Poolgröße</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Jobs/s</source>
        <translation>Aufträge/s</translation>
    </message>
    <message>
        <source>Mean hold</source>
        <translation>Mittlere Haltezeit</translation>
    </message>
    <message>
        <source>In use (λW)</source>
        <translation>Belegt (λW)</translation>
    </message>
    <message>
        <source>connection_limit</source>
        <translation>connection_limit</translation>
    </message>
    <message>
        <source>Suggested</source>
        <translation>Empfohlen</translation>
    </message>
    <message>
        <source>Processes &amp;&amp; si&amp;zing</source>
        <translation>Prozesse &amp;&amp; &amp;Größe</translation>
    </message>
    <message>
        <source>Limits in force</source>
        <translation>Geltende Grenzen</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Comes from</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>Con&amp;figuration</source>
        <translation>&amp;Konfiguration</translation>
    </message>
    <message>
        <source>%1 has stopped publishing its health (stale).</source>
        <translation>%1 veröffentlicht seinen Zustand nicht mehr (veraltet).</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Aktualisiert %1</translation>
    </message>
    <message>
        <source>Waiting for the first measurement…</source>
        <translation>Warten auf die erste Messung…</translation>
    </message>
    <message>
        <source>%1 Other processes cannot be read: %2</source>
        <translation>%1 Andere Prozesse können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alarm: %1</translation>
    </message>
    <message numerus="yes">
        <source>The light stays red until the signal has been healthy for %n second(s).</source>
        <translation>
            <numerusform>Die Leuchte bleibt rot, bis das Signal %n Sekunde lang gesund war.</numerusform>
            <numerusform>Die Leuchte bleibt rot, bis das Signal %n Sekunden lang gesund war.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 — stale, last seen %2 s ago</source>
        <translation>%1 — veraltet, zuletzt vor %2 s gesehen</translation>
    </message>
    <message>
        <source>%1 — gone</source>
        <translation>%1 — verschwunden</translation>
    </message>
    <message>
        <source>%1 (raise)</source>
        <translation>%1 (erhöhen)</translation>
    </message>
    <message>
        <source>%1 (could lower)</source>
        <translation>%1 (könnte sinken)</translation>
    </message>
    <message>
        <source>%1 (enough)</source>
        <translation>%1 (ausreichend)</translation>
    </message>
    <message>
        <source>publishing</source>
        <translation>veröffentlicht</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>stale, last seen %1 s ago</source>
        <translation>veraltet, zuletzt vor %1 s gesehen</translation>
    </message>
    <message>
        <source>The server&apos;s connection limit is not known yet.</source>
        <translation>Das Verbindungslimit des Servers ist noch nicht bekannt.</translation>
    </message>
    <message>
        <source>Pools of the processes above: %1 connections now, %2 suggested; the server allows %3 (max_connections %4 minus %5 reserved for superusers), %6 in use by every client.</source>
        <translation>Pools der Prozesse oben: jetzt %1 Verbindungen, %2 empfohlen; der Server erlaubt %3 (max_connections %4 minus %5 für Superuser reserviert), %6 von allen Clients belegt.</translation>
    </message>
    <message>
        <source>The suggested total does not fit: raise max_connections or put PgBouncer in front.</source>
        <translation>Die empfohlene Summe passt nicht: Erhöhen Sie max_connections oder schalten Sie PgBouncer davor.</translation>
    </message>
    <message>
        <source>The current total does not fit the server.</source>
        <translation>Die aktuelle Summe passt nicht zum Server.</translation>
    </message>
    <message>
        <source>Pick one process to see its configuration.</source>
        <translation>Wählen Sie einen Prozess, um seine Konfiguration zu sehen.</translation>
    </message>
    <message>
        <source>This process has not published its configuration.</source>
        <translation>Dieser Prozess hat seine Konfiguration nicht veröffentlicht.</translation>
    </message>
    <message>
        <source>Database: the embedded server on this computer (%1)</source>
        <translation>Datenbank: der eingebettete Server auf diesem Computer (%1)</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Diagnostics (*.json)</source>
        <translation>Diagnose (*.json)</translation>
    </message>
    <message>
        <source>Choose a folder you may write to and try again.</source>
        <translation>Wählen Sie einen Ordner, in den Sie schreiben dürfen, und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The diagnostics could not be saved to %1: %2</source>
        <translation>Die Diagnose konnte nicht in %1 gespeichert werden: %2</translation>
    </message>
    <message>
        <source>The chart picture could not be saved to %1.</source>
        <translation>Das Diagrammbild konnte nicht in %1 gespeichert werden.</translation>
    </message>
    <message>
        <source>CarWash Desk %1</source>
        <translation>CarWash Desk %1</translation>
    </message>
    <message>
        <source>site file</source>
        <translation>Standortdatei</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <source>Paid, thank you!</source>
        <translation>Bezahlt, danke!</translation>
    </message>
    <message>
        <source>Booked, thank you!</source>
        <translation>Gebucht, danke!</translation>
    </message>
    <message>
        <source>Done, booking %1</source>
        <translation>Fertig, Buchung %1</translation>
    </message>
    <message>
        <source>Your confirmation code: %1</source>
        <translation>Ihr Bestätigungscode: %1</translation>
    </message>
    <message>
        <source>%1 for your %2, plate %3
%4 at %5</source>
        <translation>%1 für Ihren %2, Kennzeichen %3
%4 in %5</translation>
    </message>
    <message>
        <source>Please pay %1 at the desk.</source>
        <translation>Bitte zahlen Sie %1 am Schalter.</translation>
    </message>
    <message>
        <source>Drive to %1</source>
        <translation>Fahren Sie zu %1</translation>
    </message>
    <message>
        <source>QR code of your confirmation code</source>
        <translation>QR-Code Ihres Bestätigungscodes</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Back to the start</source>
        <translation>Zurück zum Anfang</translation>
    </message>
    <message>
        <source>Your receipt is printing.</source>
        <translation>Ihr Beleg wird gedruckt.</translation>
    </message>
    <message>
        <source>Please take your receipt.</source>
        <translation>Bitte nehmen Sie Ihren Beleg.</translation>
    </message>
    <message>
        <source>Your receipt could not be printed; the desk can print it for you.</source>
        <translation>Ihr Beleg konnte nicht gedruckt werden; am Schalter druckt man ihn Ihnen aus.</translation>
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
    <name>FindDialog</name>
    <message>
        <source>Find a booking</source>
        <translation>Buchung suchen</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>&amp;Suchen:</translation>
    </message>
    <message>
        <source>Plate, phone, name or confirmation code</source>
        <translation>Kennzeichen, Telefon, Name oder Bestätigungscode</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Suchstatus</translation>
    </message>
    <message>
        <source>Bookings found</source>
        <translation>Gefundene Buchungen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Plate</source>
        <translation>Kennzeichen</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Open the chosen booking</source>
        <translation>Die gewählte Buchung öffnen</translation>
    </message>
    <message>
        <source>Open the highlighted booking (Enter)</source>
        <translation>Die markierte Buchung öffnen (Eingabe)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message numerus="yes">
        <source>Type at least %n character(s): a plate, a phone number, a name or a confirmation code.</source>
        <translation>
            <numerusform>Geben Sie mindestens %n Zeichen ein: Kennzeichen, Telefon, Name oder Bestätigungscode.</numerusform>
            <numerusform>Geben Sie mindestens %n Zeichen ein: Kennzeichen, Telefon, Name oder Bestätigungscode.</numerusform>
        </translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
    <message>
        <source>Searching failed. %1</source>
        <translation>Die Suche ist fehlgeschlagen. %1</translation>
    </message>
    <message>
        <source>Searching failed; the last results stay on show.</source>
        <translation>Die Suche ist fehlgeschlagen; die letzten Ergebnisse bleiben sichtbar.</translation>
    </message>
    <message>
        <source>No booking matches &quot;%1&quot;.</source>
        <translation>Keine Buchung passt zu „%1“.</translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) found. Up and Down choose, Enter opens.</source>
        <translation>
            <numerusform>%n Buchung gefunden. Pfeil hoch/runter wählt, Eingabe öffnet.</numerusform>
            <numerusform>%n Buchungen gefunden. Pfeil hoch/runter wählt, Eingabe öffnet.</numerusform>
        </translation>
    </message>
    <message>
        <source>Showing the %1 bookings nearest to today; type more to narrow the search.</source>
        <translation>Die %1 Buchungen, die heute am nächsten liegen, werden angezeigt; geben Sie mehr ein, um die Suche einzugrenzen.</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Type the car wash&apos;s name.</source>
        <translation>Geben Sie den Namen der Waschanlage ein.</translation>
    </message>
    <message>
        <source>Type the manager&apos;s name (1 to 100 characters).</source>
        <translation>Geben Sie den Namen des Managers ein (1 bis 100 Zeichen).</translation>
    </message>
    <message>
        <source>The menu needs 1 to %1 washes.</source>
        <translation>Die Waschkarte braucht 1 bis %1 Wäschen.</translation>
    </message>
    <message>
        <source>The car wash needs 1 to %1 bays or lanes.</source>
        <translation>Die Waschanlage braucht 1 bis %1 Waschplätze oder Waschstraßen.</translation>
    </message>
    <message>
        <source>This database has washes already, so the demo&apos;s cannot be added. Choose your own washes instead.</source>
        <translation>Diese Datenbank hat bereits Wäschen, daher können die der Demo nicht hinzugefügt werden. Wählen Sie stattdessen eigene Wäschen.</translation>
    </message>
    <message>
        <source>Bay %1</source>
        <translation>Waschplatz %1</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
</context>
<context>
    <name>FirstRunWizard</name>
    <message>
        <source>&amp;Open the car wash</source>
        <translation>Waschanlage ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Welcome to CarWash Desk</source>
        <translation>Willkommen bei CarWash Desk</translation>
    </message>
    <message>
        <source>Nobody is on the staff list yet, so this is a new car wash. A few questions set it up; every answer can be changed later. First, the car wash itself.</source>
        <translation>Noch steht niemand auf der Personalliste, dies ist also eine neue Waschanlage. Ein paar Fragen richten sie ein; jede Antwort lässt sich später ändern. Zuerst die Waschanlage selbst.</translation>
    </message>
    <message>
        <source>Currency and tax</source>
        <translation>Währung und Steuer</translation>
    </message>
    <message>
        <source>What prices are in, and the tax the receipts show.</source>
        <translation>In welcher Währung die Preise sind und welche Steuer die Belege ausweisen.</translation>
    </message>
    <message>
        <source>Opening hours</source>
        <translation>Öffnungszeiten</translation>
    </message>
    <message>
        <source>When customers can book. Holidays are added later under Manage, Site setup.</source>
        <translation>Wann Kunden buchen können. Feiertage kommen später unter Verwalten, Standorteinrichtung hinzu.</translation>
    </message>
    <message>
        <source>The first manager</source>
        <translation>Der erste Manager</translation>
    </message>
    <message>
        <source>You, most likely.</source>
        <translation>Wahrscheinlich Sie.</translation>
    </message>
    <message>
        <source>Wash menu</source>
        <translation>Waschkarte</translation>
    </message>
    <message>
        <source>What customers choose from, at the desk and the kiosk.</source>
        <translation>Woraus Kunden am Schalter und am Kiosk wählen.</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>This is what will be set up.</source>
        <translation>Das wird eingerichtet.</translation>
    </message>
    <message>
        <source>The car wash could not be set up. %1</source>
        <translation>Die Waschanlage konnte nicht eingerichtet werden. %1</translation>
    </message>
    <message>
        <source>Nothing was set up: %1</source>
        <translation>Es wurde nichts eingerichtet: %1</translation>
    </message>
    <message>
        <source>The set-up did not finish: %1 %2</source>
        <translation>Die Einrichtung wurde nicht abgeschlossen: %1 %2</translation>
    </message>
</context>
<context>
    <name>HealthAlerts</name>
    <message>
        <source>Pool usage</source>
        <translation>Pool-Auslastung</translation>
    </message>
    <message>
        <source>Average query time</source>
        <translation>Mittlere Abfragezeit</translation>
    </message>
    <message>
        <source>Error rate</source>
        <translation>Fehlerrate</translation>
    </message>
    <message>
        <source>Database reachable</source>
        <translation>Datenbank erreichbar</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>Belegter Speicher</translation>
    </message>
    <message>
        <source>not measured yet</source>
        <translation>noch nicht gemessen</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>healthy below %1 %, alert above %2 %</source>
        <translation>gesund unter %1 %, Alarm über %2 %</translation>
    </message>
    <message>
        <source>healthy below %1 ms, alert above %2 ms</source>
        <translation>gesund unter %1 ms, Alarm über %2 ms</translation>
    </message>
    <message>
        <source>healthy: yes, alert: no</source>
        <translation>gesund: ja, Alarm: nein</translation>
    </message>
    <message>
        <source>alert above %1 %</source>
        <translation>Alarm über %1 %</translation>
    </message>
    <message>
        <source>The database cannot be reached.</source>
        <translation>Die Datenbank ist nicht erreichbar.</translation>
    </message>
    <message>
        <source>%1 is %2, above the alert level (%3).</source>
        <translation>%1 ist %2, über der Alarmschwelle (%3).</translation>
    </message>
</context>
<context>
    <name>HealthLight</name>
    <message>
        <source>Waiting for data</source>
        <translation>Warten auf Daten</translation>
    </message>
    <message>
        <source>Alert (recovering)</source>
        <translation>Alarm (erholt sich)</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>Gesund</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Beeinträchtigt</translation>
    </message>
    <message>
        <source>Unhealthy</source>
        <translation>Gestört</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>HoursFirstRunPage</name>
    <message>
        <source>Times are in the site&apos;s time zone. Separate ranges with commas for a break, for example 08:00-12:00, 12:30-18:00; 24:00 closes at midnight.</source>
        <translation>Zeiten gelten in der Zeitzone des Standorts. Trennen Sie Zeiträume für eine Pause mit Kommas, zum Beispiel 08:00-12:00, 12:30-18:00; 24:00 schließt um Mitternacht.</translation>
    </message>
</context>
<context>
    <name>HttpExchange</name>
    <message>
        <source>The server is shutting down; try again in a moment.</source>
        <translation>Der Server wird beendet; versuchen Sie es gleich noch einmal.</translation>
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
    <name>KioskIdleOverlay</name>
    <message numerus="yes">
        <source>The screen starts over in %n second(s).</source>
        <translation>
            <numerusform>Der Bildschirm beginnt in %n Sekunde von vorn.</numerusform>
            <numerusform>Der Bildschirm beginnt in %n Sekunden von vorn.</numerusform>
        </translation>
    </message>
    <message>
        <source>Still there?</source>
        <translation>Noch da?</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Keeps what you chose and goes on where you were.</source>
        <translation>Behält Ihre Auswahl und macht dort weiter, wo Sie waren.</translation>
    </message>
</context>
<context>
    <name>KioskRepo</name>
    <message>
        <source>What the kiosk shows may have at most %1 characters.</source>
        <translation>Was der Kiosk anzeigt, darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>There is no attendant call %1.</source>
        <translation>Es gibt keinen Personalruf %1.</translation>
    </message>
    <message>
        <source>Give the kiosk a name people recognise it by, such as &quot;Entrance&quot;.</source>
        <translation>Geben Sie dem Kiosk einen Namen, an dem man ihn erkennt, etwa „Einfahrt“.</translation>
    </message>
    <message>
        <source>A kiosk&apos;s name may not begin or end with a space.</source>
        <translation>Der Name eines Kiosks darf nicht mit einem Leerzeichen beginnen oder enden.</translation>
    </message>
    <message>
        <source>A kiosk&apos;s name may have at most %1 characters.</source>
        <translation>Der Name eines Kiosks darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a kiosk language; use one of: %2.</source>
        <translation>„%1“ ist keine Kiosk-Sprache; verwenden Sie eine von: %2.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a way of paying at a kiosk; use one or more of: %2.</source>
        <translation>„%1“ ist keine Zahlungsart am Kiosk; verwenden Sie eine oder mehrere von: %2.</translation>
    </message>
    <message>
        <source>A kiosk needs at least one way of paying; use one or more of: %1.</source>
        <translation>Ein Kiosk braucht mindestens eine Zahlungsart; verwenden Sie eine oder mehrere von: %1.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Stripe reader ID: those look like tmr_FDOt2wlRZEdpd7 (see: carwash-admin reader list).</source>
        <translation>„%1“ ist keine Stripe-Lesegerät-ID: Diese sehen aus wie tmr_FDOt2wlRZEdpd7 (siehe: carwash-admin reader list).</translation>
    </message>
    <message>
        <source>There is no card reader %1 (see: carwash-admin reader list).</source>
        <translation>Es gibt kein Kartenlesegerät %1 (siehe: carwash-admin reader list).</translation>
    </message>
    <message>
        <source>Reader %1 serves the %2; a reader serves one desk or kiosk. Unassign it there first.</source>
        <translation>Lesegerät %1 dient %2; ein Lesegerät dient einem Schalter oder Kiosk. Heben Sie die Zuordnung dort zuerst auf.</translation>
    </message>
</context>
<context>
    <name>KioskSpeech</name>
    <message>
        <source>Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat.</source>
        <translation>Sprachausgabe an. Drücken Sie 4 oder 6 zum Wechseln, 5 zum Auswählen, 0 zum Wiederholen.</translation>
    </message>
    <message>
        <source>Selected</source>
        <translation>Ausgewählt</translation>
    </message>
    <message>
        <source>Speech is not available on this kiosk.</source>
        <translation>Die Sprachausgabe ist an diesem Terminal nicht verfügbar.</translation>
    </message>
    <message>
        <source>Speech is not available in %1 on this kiosk.</source>
        <translation>Die Sprachausgabe ist auf %1 an diesem Terminal nicht verfügbar.</translation>
    </message>
</context>
<context>
    <name>KioskText</name>
    <message>
        <source>SUV</source>
        <translation>SUV</translation>
    </message>
    <message>
        <source>Truck</source>
        <translation>Transporter</translation>
    </message>
    <message>
        <source>Car</source>
        <translation>Pkw</translation>
    </message>
    <message>
        <source>Now, %1, ready now</source>
        <translation>Jetzt, %1, sofort bereit</translation>
    </message>
    <message numerus="yes">
        <source>Now, %1, ready in %n min</source>
        <translation>
            <numerusform>Jetzt, %1, bereit in %n Min.</numerusform>
            <numerusform>Jetzt, %1, bereit in %n Min.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
</context>
<context>
    <name>KioskWindow</name>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Startet</translation>
    </message>
    <message>
        <source>Calling an attendant…</source>
        <translation>Ein Mitarbeiter wird gerufen…</translation>
    </message>
    <message>
        <source>No attendant could be called from here. Please go to the desk.</source>
        <translation>Von hier konnte kein Mitarbeiter gerufen werden. Bitte gehen Sie zum Schalter.</translation>
    </message>
    <message>
        <source>An attendant is on the way.</source>
        <translation>Ein Mitarbeiter ist unterwegs.</translation>
    </message>
    <message>
        <source>CarWash kiosk</source>
        <translation>CarWash-Kiosk</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>The screen before</source>
        <translation>Der vorige Bildschirm</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Neu beginnen</translation>
    </message>
    <message>
        <source>Forget everything chosen and begin again</source>
        <translation>Alles Gewählte vergessen und neu beginnen</translation>
    </message>
    <message>
        <source>Call attendant</source>
        <translation>Mitarbeiter rufen</translation>
    </message>
    <message>
        <source>Someone from the desk comes to help</source>
        <translation>Jemand vom Schalter kommt und hilft</translation>
    </message>
</context>
<context>
    <name>KiosksDialog</name>
    <message>
        <source>Kiosks</source>
        <translation>Kiosks</translation>
    </message>
    <message>
        <source>The self-service kiosks. A kiosk adds itself here when it first starts; choose the language it greets customers in, how they may pay and its card reader.</source>
        <translation>Die Selbstbedienungs-Kiosks. Ein Kiosk trägt sich hier beim ersten Start selbst ein; wählen Sie die Sprache, in der er Kunden begrüßt, wie sie zahlen dürfen und sein Kartenlesegerät.</translation>
    </message>
    <message>
        <source>&amp;Kiosks:</source>
        <translation>&amp;Kiosks:</translation>
    </message>
    <message>
        <source>Kiosk</source>
        <translation>Kiosk</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Customers pay</source>
        <translation>Kunden zahlen</translation>
    </message>
    <message>
        <source>Card reader</source>
        <translation>Kartenlesegerät</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>The kiosk&apos;s language</source>
        <translation>Die Sprache des Kiosks</translation>
    </message>
    <message>
        <source>On the kiosk&apos;s card &amp;reader</source>
        <translation>Am Karten&amp;lesegerät des Kiosks</translation>
    </message>
    <message>
        <source>On their &amp;phone (QR code)</source>
        <translation>Am &amp;Handy (QR-Code)</translation>
    </message>
    <message>
        <source>At the &amp;desk</source>
        <translation>Am Schal&amp;ter</translation>
    </message>
    <message>
        <source>The kiosk&apos;s card reader</source>
        <translation>Das Kartenlesegerät des Kiosks</translation>
    </message>
    <message>
        <source>&amp;Save changes</source>
        <translation>Änderungen s&amp;peichern</translation>
    </message>
    <message>
        <source>Save the selected kiosk&apos;s changes</source>
        <translation>Die Änderungen am gewählten Kiosk speichern</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Customers pay:</source>
        <translation>Kunden zahlen:</translation>
    </message>
    <message>
        <source>Card r&amp;eader:</source>
        <translation>Lese&amp;gerät:</translation>
    </message>
    <message>
        <source>card reader</source>
        <translation>Kartenlesegerät</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>Handy</translation>
    </message>
    <message>
        <source>at the desk</source>
        <translation>am Schalter</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keins</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Läuft nicht</translation>
    </message>
    <message>
        <source>No kiosks yet: a kiosk adds itself when it first starts (carwash --kiosk).</source>
        <translation>Noch keine Kiosks: Ein Kiosk trägt sich beim ersten Start selbst ein (carwash --kiosk).</translation>
    </message>
    <message>
        <source>No reader</source>
        <translation>Kein Lesegerät</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Kiosk %1 was not changed.</source>
        <translation>Kiosk %1 wurde nicht geändert.</translation>
    </message>
    <message>
        <source>Kiosk %1 saved: %2, customers pay %3, %4.</source>
        <translation>Kiosk %1 gespeichert: %2, Kunden zahlen per %3, %4.</translation>
    </message>
    <message>
        <source>no card reader</source>
        <translation>kein Kartenlesegerät</translation>
    </message>
    <message>
        <source>card reader %1</source>
        <translation>Kartenlesegerät %1</translation>
    </message>
    <message>
        <source>The kiosks could not be loaded.</source>
        <translation>Die Kiosks konnten nicht geladen werden.</translation>
    </message>
</context>
<context>
    <name>ManagerFirstRunPage</name>
    <message>
        <source>You sign in with this name and PIN, as the manager: the only one who can change the site, the wash menu and the staff. Add the rest of your staff later, under Manage, Staff.</source>
        <translation>Mit diesem Namen und dieser PIN melden Sie sich als Manager an: der Einzige, der Standort, Waschkarte und Personal ändern kann. Das übrige Personal fügen Sie später unter Verwalten, Personal hinzu.</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
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
        <source>PIN again</source>
        <translation>PIN wiederholen</translation>
    </message>
    <message>
        <source>Your na&amp;me:</source>
        <translation>Ihr Na&amp;me:</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN a&amp;gain:</source>
        <translation>PIN &amp;wiederholen:</translation>
    </message>
    <message>
        <source>Type your name: the desk shows who is signed in.</source>
        <translation>Geben Sie Ihren Namen ein: Der Schalter zeigt, wer angemeldet ist.</translation>
    </message>
</context>
<context>
    <name>ManagerListDialog</name>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
</context>
<context>
    <name>ManagerPinOverlay</name>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>The managers could not be loaded: %1 Touch Try again, or Cancel.</source>
        <translation>Die Manager konnten nicht geladen werden: %1 Tippen Sie auf Erneut versuchen oder Abbrechen.</translation>
    </message>
    <message>
        <source>Type the manager&apos;s PIN.</source>
        <translation>Geben Sie die PIN des Managers ein.</translation>
    </message>
    <message>
        <source>Touch your name, then type your PIN.</source>
        <translation>Tippen Sie auf Ihren Namen und geben Sie dann Ihre PIN ein.</translation>
    </message>
    <message>
        <source>No manager can sign in: ask your administrator to add one.</source>
        <translation>Kein Manager kann sich anmelden: Bitten Sie Ihren Administrator, einen anzulegen.</translation>
    </message>
    <message numerus="yes">
        <source>PIN, %n digit(s) typed</source>
        <translation>
            <numerusform>PIN, %n Ziffer eingegeben</numerusform>
            <numerusform>PIN, %n Ziffern eingegeben</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking PIN…</source>
        <translation>PIN wird geprüft…</translation>
    </message>
    <message>
        <source>Touch your name first.</source>
        <translation>Tippen Sie zuerst auf Ihren Namen.</translation>
    </message>
    <message>
        <source>The PIN could not be checked: %1 Touch OK to try again.</source>
        <translation>Die PIN konnte nicht geprüft werden: %1 Tippen Sie auf OK, um es erneut zu versuchen.</translation>
    </message>
    <message>
        <source>%1 is not a manager: only a manager can close the kiosk.</source>
        <translation>%1 ist kein Manager: Nur ein Manager kann den Kiosk schließen.</translation>
    </message>
    <message>
        <source>That person can no longer sign in here.</source>
        <translation>Diese Person kann sich hier nicht mehr anmelden.</translation>
    </message>
    <message>
        <source>Manager PIN</source>
        <translation>Manager-PIN</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Clear the PIN</source>
        <translation>PIN löschen</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Check the PIN</source>
        <translation>PIN prüfen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel, back to the kiosk</source>
        <translation>Abbrechen, zurück zum Kiosk</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>MenuFirstRunPage</name>
    <message>
        <source>&amp;Washes of my own (change them later under Manage, Site setup)</source>
        <translation>&amp;Eigene Wäschen (später änderbar unter Verwalten, Standorteinrichtung)</translation>
    </message>
    <message>
        <source>The &amp;demo car wash: its washes, add-ons, lanes and holidays, to try things out</source>
        <translation>Die &amp;Demo-Waschanlage: ihre Wäschen, Zusatzleistungen, Waschstraßen und Feiertage, zum Ausprobieren</translation>
    </message>
    <message>
        <source>Wash</source>
        <translation>Wäsche</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>Basic wash</source>
        <translation>Basiswäsche</translation>
    </message>
    <message>
        <source>Deluxe wash</source>
        <translation>Komfortwäsche</translation>
    </message>
    <message>
        <source>Ultimate wash</source>
        <translation>Premiumwäsche</translation>
    </message>
    <message>
        <source>&amp;Add a wash</source>
        <translation>Wäsche &amp;hinzufügen</translation>
    </message>
    <message>
        <source>Bays or lanes</source>
        <translation>Waschplätze oder Waschstraßen</translation>
    </message>
    <message>
        <source>Ba&amp;ys or lanes, each doing every wash:</source>
        <translation>Wasch&amp;plätze oder Waschstraßen, jede mit allen Wäschen:</translation>
    </message>
    <message>
        <source>Wash %1 name</source>
        <translation>Name der Wäsche %1</translation>
    </message>
    <message>
        <source>Wash %1 minutes</source>
        <translation>Minuten der Wäsche %1</translation>
    </message>
    <message>
        <source>Wash %1 price for %2</source>
        <translation>Preis der Wäsche %1 für %2</translation>
    </message>
    <message>
        <source>Name at least one wash, or choose the demo car wash.</source>
        <translation>Benennen Sie mindestens eine Wäsche oder wählen Sie die Demo-Waschanlage.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <comment>a price column: vehicle class (currency sign)</comment>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>MergedErrorsModel</name>
    <message numerus="yes">
        <source>%n time(s), first at %1, last at %2</source>
        <translation>
            <numerusform>%n-mal, zuerst um %1, zuletzt um %2</numerusform>
            <numerusform>%n-mal, zuerst um %1, zuletzt um %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>SQLSTATE</source>
        <translation>SQLSTATE</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
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
    <name>OnScreenKeyboard</name>
    <message>
        <source>Dash</source>
        <translation>Bindestrich</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Leerzeichen</translation>
    </message>
    <message>
        <source>⌫ Delete</source>
        <translation>⌫ Löschen</translation>
    </message>
    <message>
        <source>Delete the last character</source>
        <translation>Das letzte Zeichen löschen</translation>
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
    <name>OpeningHoursEditor</name>
    <message>
        <source>%1 open</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>%1 opening hours</source>
        <translation>Öffnungszeiten %1</translation>
    </message>
    <message>
        <source>08:00-18:00</source>
        <translation>08:00-18:00</translation>
    </message>
</context>
<context>
    <name>OpeningHoursPage</name>
    <message>
        <source>Times are in the site&apos;s time zone. Separate ranges with commas for a break, for example 08:00-12:00, 12:30-18:00; 24:00 closes at midnight.</source>
        <translation>Die Zeiten gelten in der Zeitzone des Standorts. Trennen Sie Zeiträume für eine Pause mit Kommas, zum Beispiel 08:00-12:00, 12:30-18:00; 24:00 schließt um Mitternacht.</translation>
    </message>
    <message>
        <source>&amp;Save opening hours</source>
        <translation>Öffnungszeiten &amp;speichern</translation>
    </message>
    <message>
        <source>Save the opening hours</source>
        <translation>Die Öffnungszeiten speichern</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>Änderungen &amp;verwerfen</translation>
    </message>
    <message>
        <source>Undo the changes not saved yet</source>
        <translation>Noch nicht gespeicherte Änderungen verwerfen</translation>
    </message>
    <message>
        <source>The opening hours could not be loaded.</source>
        <translation>Die Öffnungszeiten konnten nicht geladen werden.</translation>
    </message>
    <message>
        <source>No changes to save.</source>
        <translation>Keine Änderungen zu speichern.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>The opening hours were not saved.</source>
        <translation>Die Öffnungszeiten wurden nicht gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>Saved (%n day(s) changed).</source>
        <translation>
            <numerusform>Gespeichert (%n Tag geändert).</numerusform>
            <numerusform>Gespeichert (%n Tage geändert).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>Out of service - please see the desk</source>
        <translation>Außer Betrieb - bitte wenden Sie sich an den Schalter</translation>
    </message>
    <message>
        <source>We are sorry: this kiosk cannot book right now. It will be back by itself.</source>
        <translation>Leider kann dieser Kiosk gerade nicht buchen. Er ist von selbst bald wieder da.</translation>
    </message>
</context>
<context>
    <name>PayScreen</name>
    <message>
        <source>Check and pay</source>
        <translation>Prüfen und bezahlen</translation>
    </message>
    <message>
        <source>Paying</source>
        <translation>Bezahlen</translation>
    </message>
    <message>
        <source>Paying for booking %1</source>
        <translation>Bezahlen der Buchung %1</translation>
    </message>
    <message>
        <source> (card declined)</source>
        <translation> (Karte abgelehnt)</translation>
    </message>
    <message>
        <source>Kiosk customer</source>
        <translation>Kiosk-Kunde</translation>
    </message>
    <message>
        <source>Your booking could not be made right now.</source>
        <translation>Ihre Buchung konnte gerade nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Sorry, there is no free time left for this wash today. Touch Back to choose again.</source>
        <translation>Leider ist heute für diese Wäsche keine Zeit mehr frei. Berühren Sie Zurück, um neu zu wählen.</translation>
    </message>
    <message>
        <source>Your booking was refused: %1 Touch Back to change it.</source>
        <translation>Ihre Buchung wurde abgelehnt: %1 Berühren Sie Zurück, um sie zu ändern.</translation>
    </message>
    <message>
        <source>The card payment could not be started: %1</source>
        <translation>Die Kartenzahlung konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>QR code to pay on your phone</source>
        <translation>QR-Code zum Bezahlen mit dem Handy</translation>
    </message>
    <message>
        <source>Your booking could not be confirmed: %1</source>
        <translation>Ihre Buchung konnte nicht bestätigt werden: %1</translation>
    </message>
    <message>
        <source>Getting the card reader ready…</source>
        <translation>Das Kartenlesegerät wird vorbereitet…</translation>
    </message>
    <message>
        <source>Preparing your payment link…</source>
        <translation>Ihr Zahlungslink wird vorbereitet…</translation>
    </message>
    <message>
        <source>Tap, insert or swipe your card on the reader.</source>
        <translation>Halten Sie Ihre Karte an das Lesegerät, stecken Sie sie ein oder ziehen Sie sie durch.</translation>
    </message>
    <message>
        <source>Waiting for your payment on your phone: scan the code with your phone&apos;s camera.</source>
        <translation>Wir warten auf Ihre Zahlung am Handy: Scannen Sie den Code mit der Kamera Ihres Handys.</translation>
    </message>
    <message>
        <source>Processing your payment… please wait.</source>
        <translation>Ihre Zahlung wird verarbeitet… bitte warten.</translation>
    </message>
    <message>
        <source>The card payment did not go through. Try again, or choose another way to pay.</source>
        <translation>Die Kartenzahlung ist nicht durchgegangen. Versuchen Sie es erneut oder wählen Sie eine andere Zahlungsart.</translation>
    </message>
    <message>
        <source>The payment was cancelled; nothing was charged. Choose how to pay.</source>
        <translation>Die Zahlung wurde abgebrochen; nichts wurde belastet. Wählen Sie, wie Sie zahlen möchten.</translation>
    </message>
    <message>
        <source>The payment link ran out unpaid. Choose how to pay.</source>
        <translation>Der Zahlungslink ist unbezahlt abgelaufen. Wählen Sie, wie Sie zahlen möchten.</translation>
    </message>
    <message>
        <source>Paid. Thank you!</source>
        <translation>Bezahlt. Danke!</translation>
    </message>
    <message>
        <source>The time you chose was just taken, so we are holding the next free time for you: %1.</source>
        <translation>Die gewählte Zeit wurde gerade vergeben, daher halten wir die nächste freie Zeit für Sie: %1.</translation>
    </message>
    <message>
        <source>%1 for your %2</source>
        <translation>%1 für Ihren %2</translation>
    </message>
    <message>
        <source>+ %1</source>
        <translation>+ %1</translation>
    </message>
    <message>
        <source>%1 at %2, plate %3</source>
        <translation>%1 in %2, Kennzeichen %3</translation>
    </message>
    <message>
        <source>Tax (%1 %) included: %2</source>
        <translation>Steuer (%1 %) enthalten: %2</translation>
    </message>
    <message>
        <source>Tax (%1 %): %2</source>
        <translation>Steuer (%1 %): %2</translation>
    </message>
    <message>
        <source>Total: %1</source>
        <translation>Gesamt: %1</translation>
    </message>
    <message>
        <source>Holding your time…</source>
        <translation>Ihre Zeit wird reserviert…</translation>
    </message>
    <message>
        <source>Confirming your booking…</source>
        <translation>Ihre Buchung wird bestätigt…</translation>
    </message>
    <message>
        <source>Card payment is not available right now. You can book now and pay at the desk.</source>
        <translation>Kartenzahlung ist gerade nicht möglich. Sie können jetzt buchen und am Schalter zahlen.</translation>
    </message>
    <message>
        <source>Card payment is not available right now. Please see the desk.</source>
        <translation>Kartenzahlung ist gerade nicht möglich. Bitte wenden Sie sich an den Schalter.</translation>
    </message>
    <message>
        <source>How would you like to pay?</source>
        <translation>Wie möchten Sie zahlen?</translation>
    </message>
    <message>
        <source>Pay by card here</source>
        <translation>Hier mit Karte zahlen</translation>
    </message>
    <message>
        <source>Pay %1 by card on this kiosk&apos;s reader</source>
        <translation>%1 mit Karte am Lesegerät dieses Kiosks zahlen</translation>
    </message>
    <message>
        <source>Pay with your phone</source>
        <translation>Mit dem Handy zahlen</translation>
    </message>
    <message>
        <source>Pay %1 with your phone, by QR code</source>
        <translation>%1 mit dem Handy per QR-Code zahlen</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Try the card reader again</source>
        <translation>Das Kartenlesegerät erneut versuchen</translation>
    </message>
    <message>
        <source>Cancel payment</source>
        <translation>Zahlung abbrechen</translation>
    </message>
    <message>
        <source>Cancel the payment under way</source>
        <translation>Die laufende Zahlung abbrechen</translation>
    </message>
    <message>
        <source>Book now, pay at the desk</source>
        <translation>Jetzt buchen, am Schalter zahlen</translation>
    </message>
    <message>
        <source>Book now and pay %1 at the desk</source>
        <translation>Jetzt buchen und %1 am Schalter zahlen</translation>
    </message>
    <message>
        <source>Your card was declined. Try again with another card, or pay with your phone.</source>
        <translation>Ihre Karte wurde abgelehnt. Versuchen Sie es mit einer anderen Karte oder zahlen Sie mit dem Handy.</translation>
    </message>
</context>
<context>
    <name>PaymentBadge</name>
    <message>
        <source>Unpaid: %1 due</source>
        <translation>Unbezahlt: %1 offen</translation>
    </message>
    <message>
        <source>Partly paid: %1 of %2; %3 due</source>
        <translation>Teilweise bezahlt: %1 von %2; %3 offen</translation>
    </message>
    <message>
        <source>Paid in full</source>
        <translation>Vollständig bezahlt</translation>
    </message>
    <message>
        <source>Card payment in progress</source>
        <translation>Kartenzahlung läuft</translation>
    </message>
    <message>
        <source>Payment needs attention: %1</source>
        <translation>Zahlung braucht Aufmerksamkeit: %1</translation>
    </message>
</context>
<context>
    <name>PaymentRepo</name>
    <message>
        <source>The amount tendered cannot be negative.</source>
        <translation>Der gegebene Betrag darf nicht negativ sein.</translation>
    </message>
    <message>
        <source>There is no booking with ID %1.</source>
        <translation>Es gibt keine Buchung mit der ID %1.</translation>
    </message>
    <message>
        <source>Booking %1 is already paid; nothing is due.</source>
        <translation>Die Buchung %1 ist bereits bezahlt; nichts ist offen.</translation>
    </message>
    <message>
        <source>%1 was tendered, but %2 is due for booking %3.</source>
        <translation>%1 wurden gegeben, aber für Buchung %3 sind %2 offen.</translation>
    </message>
    <message>
        <source>Booking %1 cannot be paid: its status is %2.</source>
        <translation>Buchung %1 kann nicht bezahlt werden: Ihr Status ist %2.</translation>
    </message>
</context>
<context>
    <name>PaymentRequestExecutor</name>
    <message>
        <source>This server does not know requests of kind %1.</source>
        <translation>Dieser Server kennt keine Anfragen der Art %1.</translation>
    </message>
    <message>
        <source>Booking %1</source>
        <translation>Buchung %1</translation>
    </message>
    <message>
        <source>There is no card payment %1.</source>
        <translation>Es gibt keine Kartenzahlung %1.</translation>
    </message>
    <message>
        <source>Payment %1 is no longer open (cancelled or paid meanwhile); nothing was sent to Stripe.</source>
        <translation>Zahlung %1 ist nicht mehr offen (inzwischen storniert oder bezahlt); an Stripe wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>Payment %1 was cancelled or paid another way while Stripe was setting it up; it was cancelled at Stripe too.</source>
        <translation>Zahlung %1 wurde storniert oder anders bezahlt, während Stripe sie einrichtete; sie wurde auch bei Stripe storniert.</translation>
    </message>
</context>
<context>
    <name>PaymentRequestQueue</name>
    <message>
        <source>There is no card payment with ID %1.</source>
        <translation>Es gibt keine Kartenzahlung mit der ID %1.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Tax %1</source>
        <translation>MwSt. %1</translation>
    </message>
    <message>
        <source>Booking %1, balance due</source>
        <translation>Buchung %1, offener Betrag</translation>
    </message>
    <message>
        <source>There is no card refund with ID %1.</source>
        <translation>Es gibt keine Kartenerstattung mit der ID %1.</translation>
    </message>
</context>
<context>
    <name>PgTools</name>
    <message>
        <source>%1 of PostgreSQL %2 is missing; install it with: apt-get install postgresql-client-%2</source>
        <translation>%1 von PostgreSQL %2 fehlt; installieren Sie es mit: apt-get install postgresql-client-%2</translation>
    </message>
    <message>
        <source>%1 is not the PostgreSQL %2 version this program needs.</source>
        <translation>%1 ist nicht die PostgreSQL-%2-Version, die dieses Programm braucht.</translation>
    </message>
</context>
<context>
    <name>PinCheck</name>
    <message>
        <source>Type your PIN: %1 to %2 digits.</source>
        <translation>Geben Sie Ihre PIN ein: %1 bis %2 Ziffern.</translation>
    </message>
    <message numerus="yes">
        <source>That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.</source>
        <translation>
            <numerusform>Diese PIN ist nicht richtig. Noch %n falsche PIN, und %1 wird für %2 Minuten gesperrt.</numerusform>
            <numerusform>Diese PIN ist nicht richtig. Noch %n falsche PINs, und %1 wird für %2 Minuten gesperrt.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is locked after %2 wrong PINs. Try again in %3, or ask a manager to reset the PIN.</source>
        <translation>%1 ist nach %2 falschen PINs gesperrt. Versuchen Sie es in %3 erneut, oder bitten Sie einen Manager, die PIN zurückzusetzen.</translation>
    </message>
    <message>
        <source>%1 is locked after %2 wrong PINs. Try again in %3.</source>
        <translation>%1 ist nach %2 falschen PINs gesperrt. Versuchen Sie es in %3 erneut.</translation>
    </message>
    <message>
        <source>The two PINs are not the same. Type it again in both fields.</source>
        <translation>Die beiden PINs stimmen nicht überein. Geben Sie sie in beiden Feldern erneut ein.</translation>
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
    <message>
        <source>%1 is not offered for the vehicle class %2; it is offered for: %3.</source>
        <translation>%1 wird für die Fahrzeugklasse %2 nicht angeboten; angeboten für: %3.</translation>
    </message>
</context>
<context>
    <name>PlateScreen</name>
    <message>
        <source>Your licence plate</source>
        <translation>Ihr Kennzeichen</translation>
    </message>
    <message>
        <source>Entering the licence plate</source>
        <translation>Kennzeichen wird eingegeben</translation>
    </message>
    <message>
        <source>Licence plate</source>
        <translation>Kennzeichen</translation>
    </message>
    <message>
        <source>Plate</source>
        <translation>Kennzeichen</translation>
    </message>
    <message>
        <source>Phone or e-mail for the receipt</source>
        <translation>Telefon oder E-Mail für den Beleg</translation>
    </message>
    <message>
        <source>Phone or e-mail (optional)</source>
        <translation>Telefon oder E-Mail (optional)</translation>
    </message>
    <message>
        <source>Back to the plate</source>
        <translation>Zurück zum Kennzeichen</translation>
    </message>
    <message>
        <source>Add a phone number or e-mail address</source>
        <translation>Telefonnummer oder E-Mail-Adresse angeben</translation>
    </message>
    <message>
        <source>For a receipt; not needed to book.</source>
        <translation>Für einen Beleg; zum Buchen nicht nötig.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Type your plate first</source>
        <translation>Tippen Sie zuerst Ihr Kennzeichen ein</translation>
    </message>
    <message>
        <source>Plate %1</source>
        <translation>Kennzeichen %1</translation>
    </message>
    <message>
        <source>Receipt by phone
or e-mail (optional)</source>
        <translation>Beleg per Telefon
oder E-Mail (optional)</translation>
    </message>
    <message>
        <source>Type your plate on the keyboard, then touch Continue.</source>
        <translation>Tippen Sie Ihr Kennzeichen auf der Tastatur ein und berühren Sie dann Weiter.</translation>
    </message>
</context>
<context>
    <name>ReaderRepo</name>
    <message>
        <source>kiosk &quot;%1&quot;</source>
        <translation>Kiosk „%1“</translation>
    </message>
    <message>
        <source>desk &quot;%1&quot;</source>
        <translation>Schalter „%1“</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Stripe reader ID: those look like tmr_FDOt2wlRZEdpd7 (see the readers in Stripe&apos;s dashboard).</source>
        <translation>„%1“ ist keine Stripe-Lesegeräte-ID: diese sehen aus wie tmr_FDOt2wlRZEdpd7 (siehe die Lesegeräte im Stripe-Dashboard).</translation>
    </message>
    <message>
        <source>Give the reader a label people recognise it by, such as &quot;Front desk reader&quot;.</source>
        <translation>Geben Sie dem Lesegerät eine Bezeichnung, an der man es erkennt, etwa „Lesegerät Empfang“.</translation>
    </message>
    <message>
        <source>Reader %1 is registered already.</source>
        <translation>Lesegerät %1 ist bereits registriert.</translation>
    </message>
    <message>
        <source>There is no card reader %1.</source>
        <translation>Es gibt kein Kartenlesegerät %1.</translation>
    </message>
    <message>
        <source>A reader serves a desk or a kiosk, not &quot;%1&quot;.</source>
        <translation>Ein Lesegerät dient einem Schalter oder einem Kiosk, nicht „%1“.</translation>
    </message>
    <message>
        <source>Name the desk or kiosk the reader serves.</source>
        <translation>Nennen Sie den Schalter oder Kiosk, dem das Lesegerät dient.</translation>
    </message>
    <message>
        <source>The %1 has reader %2 already; a desk or kiosk has one reader. Unassign %2 first.</source>
        <translation>%1 hat bereits das Lesegerät %2; ein Schalter oder Kiosk hat ein Lesegerät. Heben Sie zuerst die Zuordnung von %2 auf.</translation>
    </message>
</context>
<context>
    <name>ReadyFirstRunPage</name>
    <message>
        <source>Everything is written at once when you press Open the car wash, and the desk opens with you signed in. Every answer can be changed later under Manage.</source>
        <translation>Alles wird auf einmal gespeichert, wenn Sie Waschanlage öffnen drücken, und der Schalter öffnet sich mit Ihnen angemeldet. Jede Antwort lässt sich später unter Verwalten ändern.</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Setting up the car wash…</source>
        <translation>Waschanlage wird eingerichtet…</translation>
    </message>
    <message>
        <source>Car wash: %1</source>
        <translation>Waschanlage: %1</translation>
    </message>
    <message>
        <source>Time zone: %1</source>
        <translation>Zeitzone: %1</translation>
    </message>
    <message>
        <source>Prices in %1, with %2 % tax included</source>
        <translation>Preise in %1, inklusive %2 % Steuer</translation>
    </message>
    <message>
        <source>Prices in %1, with %2 % tax added</source>
        <translation>Preise in %1, zuzüglich %2 % Steuer</translation>
    </message>
    <message numerus="yes">
        <source>Open %n day(s) a week</source>
        <translation>
            <numerusform>An %n Tag pro Woche geöffnet</numerusform>
            <numerusform>An %n Tagen pro Woche geöffnet</numerusform>
        </translation>
    </message>
    <message>
        <source>First manager: %1</source>
        <translation>Erster Manager: %1</translation>
    </message>
    <message>
        <source>Wash menu: the demo car wash&apos;s washes, add-ons, lanes and holidays</source>
        <translation>Waschkarte: Wäschen, Zusatzleistungen, Waschstraßen und Feiertage der Demo-Waschanlage</translation>
    </message>
    <message numerus="yes">
        <source>Wash menu: %n wash(es) of your own</source>
        <translation>
            <numerusform>Waschkarte: %n eigene Wäsche</numerusform>
            <numerusform>Waschkarte: %n eigene Wäschen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bay(s)</source>
        <translation>
            <numerusform>%n Waschplatz</numerusform>
            <numerusform>%n Waschplätze</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReceiptActions</name>
    <message>
        <source>The receipt could not be made: %1</source>
        <translation>Der Beleg konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>Beleg als PDF speichern</translation>
    </message>
    <message>
        <source>receipt-%1.pdf</source>
        <translation>beleg-%1.pdf</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
        <source>Receipt saved as %1.</source>
        <translation>Beleg gespeichert als %1.</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>Beleg %1</translation>
    </message>
    <message>
        <source>Receipt sent to %1.</source>
        <translation>Beleg an %1 gesendet.</translation>
    </message>
</context>
<context>
    <name>ReceiptDocument</name>
    <message>
        <source>Car wash</source>
        <translation>Waschanlage</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Beleg</translation>
    </message>
    <message>
        <source>Booking</source>
        <translation>Buchung</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Uhrzeit</translation>
    </message>
    <message>
        <source>%1–%2</source>
        <translation>%1–%2</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Waschplatz</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Fahrzeug</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>+ %1</source>
        <translation>+ %1</translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation>Zwischensumme</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Included tax (%1)</source>
        <translation>Enthaltene Steuer (%1)</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Netto</translation>
    </message>
    <message>
        <source>Tax (%1)</source>
        <translation>Steuer (%1)</translation>
    </message>
    <message>
        <source>Paid: %1</source>
        <translation>Bezahlt: %1</translation>
    </message>
    <message>
        <source>Tendered</source>
        <translation>Gegeben</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Rückgeld</translation>
    </message>
    <message>
        <source>Paid at</source>
        <translation>Bezahlt am</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>Offener Betrag</translation>
    </message>
    <message>
        <source>Served by</source>
        <translation>Bedient von</translation>
    </message>
    <message>
        <source>Confirmation code</source>
        <translation>Bestätigungscode</translation>
    </message>
    <message>
        <source>Issued %1</source>
        <translation>Ausgestellt %1</translation>
    </message>
    <message>
        <source>Thank you for your visit!</source>
        <translation>Vielen Dank für Ihren Besuch!</translation>
    </message>
    <message>
        <source>[QR code: %1]</source>
        <translation>[QR-Code: %1]</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>Beleg %1</translation>
    </message>
    <message>
        <source>The receipt could not be written to %1.</source>
        <translation>Der Beleg konnte nicht nach %1 geschrieben werden.</translation>
    </message>
    <message>
        <source>The receipt could not be printed on %1.</source>
        <translation>Der Beleg konnte nicht auf %1 gedruckt werden.</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund — %1</source>
        <translation>Erstattung — %1</translation>
    </message>
    <message>
        <source>Payment to refund</source>
        <translation>Zu erstattende Zahlung</translation>
    </message>
    <message>
        <source>%1, %2: %3 (%4 left)</source>
        <translation>%1, %2: %3 (noch %4)</translation>
    </message>
    <message>
        <source>&amp;Payment:</source>
        <translation>&amp;Zahlung:</translation>
    </message>
    <message>
        <source>How the money goes back</source>
        <translation>Wie das Geld zurückgeht</translation>
    </message>
    <message>
        <source>Amount to refund</source>
        <translation>Zu erstattender Betrag</translation>
    </message>
    <message>
        <source>&amp;Amount (%1):</source>
        <translation>&amp;Betrag (%1):</translation>
    </message>
    <message>
        <source>Reason for the refund</source>
        <translation>Grund der Erstattung</translation>
    </message>
    <message>
        <source>e.g. wash not finished, charged twice</source>
        <translation>z. B. Wäsche nicht fertig, doppelt belastet</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <source>&amp;Refund</source>
        <translation>&amp;Erstatten</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Nothing paid is left to refund.</source>
        <translation>Von den Zahlungen ist nichts mehr zu erstatten.</translation>
    </message>
    <message>
        <source>Card: back to the customer&apos;s card through Stripe (a few days to show on their statement).</source>
        <translation>Karte: über Stripe zurück auf die Karte des Kunden (erscheint nach einigen Tagen auf der Abrechnung).</translation>
    </message>
    <message>
        <source>Cash: hand the money back from the till.</source>
        <translation>Bar: das Geld aus der Kasse zurückgeben.</translation>
    </message>
    <message>
        <source>Type the amount to refund, for example %1.</source>
        <translation>Geben Sie den zu erstattenden Betrag ein, zum Beispiel %1.</translation>
    </message>
    <message>
        <source>%1 is more than is left of this payment: at most %2.</source>
        <translation>%1 ist mehr, als von dieser Zahlung übrig ist: höchstens %2.</translation>
    </message>
    <message>
        <source>Give a reason for the refund; it is kept in the booking&apos;s history.</source>
        <translation>Geben Sie einen Grund für die Erstattung an; er wird im Verlauf der Buchung festgehalten.</translation>
    </message>
    <message>
        <source>Recording the refund…</source>
        <translation>Erstattung wird gespeichert…</translation>
    </message>
    <message>
        <source>%1 A card refund needs it; refund later, or give cash back instead.</source>
        <translation>%1 Eine Kartenerstattung braucht ihn; erstatten Sie später oder geben Sie stattdessen Bargeld zurück.</translation>
    </message>
    <message>
        <source>%1 refunded in cash: hand it back to the customer.</source>
        <translation>%1 bar erstattet: Geben Sie es dem Kunden zurück.</translation>
    </message>
    <message>
        <source>Refunding to the card…</source>
        <translation>Wird auf die Karte erstattet…</translation>
    </message>
    <message>
        <source>Asking Stripe to refund %1 to the card…</source>
        <translation>Stripe wird gebeten, %1 auf die Karte zu erstatten…</translation>
    </message>
    <message>
        <source>The refund&apos;s progress could not be read: %1</source>
        <translation>Der Stand der Erstattung konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Stripe refused the card refund: %1</source>
        <translation>Stripe hat die Kartenerstattung abgelehnt: %1</translation>
    </message>
    <message>
        <source>%1 refunded to the card.</source>
        <translation>%1 auf die Karte erstattet.</translation>
    </message>
</context>
<context>
    <name>RequestFields</name>
    <message>
        <source>%1 is required: the ID of a wash package.</source>
        <translation>%1 ist erforderlich: die ID einer Wäsche.</translation>
    </message>
    <message>
        <source>%1 may be given once.</source>
        <translation>%1 darf nur einmal angegeben werden.</translation>
    </message>
    <message>
        <source>%1 takes a numeric service ID, not &quot;%2&quot;.</source>
        <translation>%1 erwartet die numerische ID einer Wäsche, nicht „%2“.</translation>
    </message>
    <message>
        <source>%1 takes one of car, suv, truck, not &quot;%2&quot;.</source>
        <translation>%1 erwartet car, suv oder truck, nicht „%2“.</translation>
    </message>
    <message>
        <source>%1 takes a numeric add-on ID, not &quot;%2&quot;.</source>
        <translation>%1 erwartet die numerische ID eines Extras, nicht „%2“.</translation>
    </message>
    <message>
        <source>%1 takes a numeric bay ID, not &quot;%2&quot;.</source>
        <translation>%1 erwartet die numerische ID eines Platzes, nicht „%2“.</translation>
    </message>
    <message>
        <source>%1 is required: a day as YYYY-MM-DD.</source>
        <translation>%1 ist erforderlich: ein Tag als JJJJ-MM-TT.</translation>
    </message>
    <message>
        <source>%1 takes YYYY-MM-DD (for example 2025-06-11), not &quot;%2&quot;.</source>
        <translation>%1 erwartet JJJJ-MM-TT (zum Beispiel 2025-06-11), nicht „%2“.</translation>
    </message>
    <message>
        <source>%1 is required, for example 2025-06-11T09:30:00+02:00.</source>
        <translation>%1 ist erforderlich, zum Beispiel 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>%1 takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an offset: the site&apos;s local time), not &quot;%2&quot;.</source>
        <translation>%1 erwartet Datum und Uhrzeit nach ISO 8601 wie 2025-06-11T09:30:00+02:00 (ohne Versatz: die Ortszeit der Anlage), nicht „%2“.</translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <source>Move booking %1</source>
        <translation>Buchung %1 verschieben</translation>
    </message>
    <message>
        <source>Now: %1, %2–%3 on %4</source>
        <translation>Jetzt: %1, %2–%3 auf %4</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>&amp;Day:</source>
        <translation>&amp;Tag:</translation>
    </message>
    <message>
        <source>Free start times</source>
        <translation>Freie Startzeiten</translation>
    </message>
    <message>
        <source>&amp;Free times:</source>
        <translation>&amp;Freie Zeiten:</translation>
    </message>
    <message>
        <source>Bay</source>
        <translation>Waschplatz</translation>
    </message>
    <message>
        <source>&amp;Bay:</source>
        <translation>&amp;Waschplatz:</translation>
    </message>
    <message>
        <source>&amp;Move booking</source>
        <translation>Buchung &amp;verschieben</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Finding free times…</source>
        <translation>Freie Zeiten werden gesucht…</translation>
    </message>
    <message>
        <source>The free times could not be loaded: %1</source>
        <translation>Die freien Zeiten konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>%1–%2 (%3)</source>
        <translation>%1–%2 (%3)</translation>
    </message>
    <message>
        <source>No free times on this day.</source>
        <translation>An diesem Tag gibt es keine freien Zeiten.</translation>
    </message>
    <message>
        <source>First free bay</source>
        <translation>Erster freier Waschplatz</translation>
    </message>
    <message>
        <source>Choose one of the free times first.</source>
        <translation>Wählen Sie zuerst eine der freien Zeiten.</translation>
    </message>
    <message>
        <source>Moving the booking…</source>
        <translation>Buchung wird verschoben…</translation>
    </message>
    <message>
        <source>That time was just taken by another booking. The free times are listed again.</source>
        <translation>Diese Zeit wurde gerade von einer anderen Buchung belegt. Die freien Zeiten werden neu angezeigt.</translation>
    </message>
</context>
<context>
    <name>SaveOutcome</name>
    <message numerus="yes">
        <source>Nothing was saved: %n field(s) need attention.</source>
        <translation>
            <numerusform>Nichts gespeichert: %n Feld braucht Aufmerksamkeit.</numerusform>
            <numerusform>Nichts gespeichert: %n Felder brauchen Aufmerksamkeit.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SecretsCommand</name>
    <message>
        <source>Usage:
  carwash-server secrets set secret-key|webhook-secret   the value from stdin (not shown when typed)
  carwash-server secrets show
  carwash-server secrets remove secret-key|webhook-secret
Keeps the Stripe secrets in the keychain of this account (service %1, keys %2 and %3); run it as the account carwash-server runs as. STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET in the server&apos;s environment win over the keychain.</source>
        <translation>Aufruf:
  carwash-server secrets set secret-key|webhook-secret   der Wert von stdin (beim Tippen nicht angezeigt)
  carwash-server secrets show
  carwash-server secrets remove secret-key|webhook-secret
Bewahrt die Stripe-Geheimnisse im Schlüsselbund dieses Kontos auf (Dienst %1, Schlüssel %2 und %3); führen Sie es als das Konto aus, unter dem carwash-server läuft. STRIPE_SECRET_KEY und STRIPE_WEBHOOK_SECRET in der Umgebung des Servers haben Vorrang vor dem Schlüsselbund.</translation>
    </message>
    <message>
        <source>carwash-server secrets set takes the value from stdin, never from the command line (other users can see it there). Type it when asked, or pipe it in.</source>
        <translation>carwash-server secrets set liest den Wert von stdin, nie von der Befehlszeile (andere Benutzer können ihn dort sehen). Tippen Sie ihn ein, wenn danach gefragt wird, oder leiten Sie ihn per Pipe ein.</translation>
    </message>
    <message>
        <source>Unexpected arguments &quot;%1&quot;.</source>
        <translation>Unerwartete Argumente „%1“.</translation>
    </message>
    <message>
        <source>Stripe secret key (sk_live_…, sk_test_… or rk_…; not shown): </source>
        <translation>Geheimer Stripe-Schlüssel (sk_live_…, sk_test_… oder rk_…; wird nicht angezeigt): </translation>
    </message>
    <message>
        <source>Stripe webhook signing secret (whsec_…; several separated by commas; not shown): </source>
        <translation>Signaturgeheimnis des Stripe-Webhooks (whsec_…; mehrere durch Kommas getrennt; wird nicht angezeigt): </translation>
    </message>
    <message>
        <source>No value came on stdin; nothing was stored.</source>
        <translation>Auf stdin kam kein Wert; es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>Nothing was stored.</source>
        <translation>Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>Stored %1 in this account&apos;s keychain under %2. carwash-server reads it when it starts next.</source>
        <translation>%1 im Schlüsselbund dieses Kontos unter %2 gespeichert. carwash-server liest es beim nächsten Start.</translation>
    </message>
    <message>
        <source>Note: %1 is set in this environment; wherever it is set for the server, it wins over the keychain.</source>
        <translation>Hinweis: %1 ist in dieser Umgebung gesetzt; wo es für den Server gesetzt ist, hat es Vorrang vor dem Schlüsselbund.</translation>
    </message>
    <message>
        <source>set in this environment (%1): %2; the keychain is not consulted for it</source>
        <translation>in dieser Umgebung gesetzt (%1): %2; der Schlüsselbund wird dafür nicht gefragt</translation>
    </message>
    <message>
        <source>in the keychain (%1): %2</source>
        <translation>im Schlüsselbund (%1): %2</translation>
    </message>
    <message>
        <source>not set: %1</source>
        <translation>nicht gesetzt: %1</translation>
    </message>
    <message>
        <source>The keychain could not be read: %1
Put %2 and %3 in carwash-server&apos;s environment file instead.</source>
        <translation>Der Schlüsselbund konnte nicht gelesen werden: %1
Tragen Sie stattdessen %2 und %3 in die Umgebungsdatei von carwash-server ein.</translation>
    </message>
    <message>
        <source>Nothing was stored under %1; nothing to remove.</source>
        <translation>Unter %1 war nichts gespeichert; nichts zu entfernen.</translation>
    </message>
    <message>
        <source>Removed %1 from this account&apos;s keychain. carwash-server goes without it from its next start unless %2 is set in its environment.</source>
        <translation>%1 aus dem Schlüsselbund dieses Kontos entfernt. carwash-server läuft ab dem nächsten Start ohne es, sofern %2 nicht in seiner Umgebung gesetzt ist.</translation>
    </message>
    <message>
        <source>No keychain is available to this account here: %1
Put %2 in carwash-server&apos;s environment file instead (e.g. the file a systemd EnvironmentFile= names, readable by that account only).</source>
        <translation>Für dieses Konto ist hier kein Schlüsselbund verfügbar: %1
Tragen Sie stattdessen %2 in die Umgebungsdatei von carwash-server ein (z. B. die Datei, die ein systemd-EnvironmentFile= nennt, nur für dieses Konto lesbar).</translation>
    </message>
    <message>
        <source>%1
Unlock the keychain of this account and try again, or put %2 in carwash-server&apos;s environment file instead.</source>
        <translation>%1
Entsperren Sie den Schlüsselbund dieses Kontos und versuchen Sie es erneut, oder tragen Sie stattdessen %2 in die Umgebungsdatei von carwash-server ein.</translation>
    </message>
    <message>
        <source>%1
Nothing was changed. Put %2 in carwash-server&apos;s environment file if the keychain cannot be used.</source>
        <translation>%1
Es wurde nichts geändert. Tragen Sie %2 in die Umgebungsdatei von carwash-server ein, wenn der Schlüsselbund nicht genutzt werden kann.</translation>
    </message>
</context>
<context>
    <name>ServerApplication</name>
    <message>
        <source>The listen address &quot;%1&quot; is not ADDRESS:PORT (for example 127.0.0.1:8080).</source>
        <translation>Die Adresse „%1“ hat nicht die Form ADRESSE:PORT (zum Beispiel 127.0.0.1:8080).</translation>
    </message>
    <message>
        <source>Write an IPv6 listen address in brackets, for example [::1]:8080.</source>
        <translation>Schreiben Sie eine IPv6-Adresse in eckigen Klammern, zum Beispiel [::1]:8080.</translation>
    </message>
    <message>
        <source>The listen port &quot;%1&quot; is not a number from 0 to 65535.</source>
        <translation>Der Port „%1“ ist keine Zahl von 0 bis 65535.</translation>
    </message>
    <message>
        <source>The listen address &quot;%1&quot; is not an IP address (host names other than localhost are not accepted).</source>
        <translation>Die Adresse „%1“ ist keine IP-Adresse (Hostnamen außer localhost werden nicht angenommen).</translation>
    </message>
    <message>
        <source>Where to listen for HTTP (default 127.0.0.1:%1).</source>
        <translation>Wo HTTP angenommen wird (Standard 127.0.0.1:%1).</translation>
    </message>
    <message>
        <source>ADDRESS:PORT</source>
        <translation>ADRESSE:PORT</translation>
    </message>
    <message>
        <source>Unexpected argument &quot;%1&quot;.</source>
        <translation>Unerwartetes Argument „%1“.</translation>
    </message>
    <message>
        <source>Cannot handle SIGTERM: %1</source>
        <translation>SIGTERM kann nicht behandelt werden: %1</translation>
    </message>
    <message>
        <source>carwash-server cannot listen on %1:%2: %3. Choose another address with --listen ADDRESS:PORT, or stop the program using it.</source>
        <translation>carwash-server kann nicht auf %1:%2 lauschen: %3. Wählen Sie mit --listen ADRESSE:PORT eine andere Adresse oder beenden Sie das Programm, das sie belegt.</translation>
    </message>
    <message>
        <source>There is nothing at %1 %2.</source>
        <translation>Unter %1 %2 gibt es nichts.</translation>
    </message>
    <message>
        <source>The database is not ready yet; Stripe will deliver this event again.</source>
        <translation>Die Datenbank ist noch nicht bereit; Stripe stellt dieses Ereignis erneut zu.</translation>
    </message>
    <message>
        <source>The payment was not made. You can close this page and pay at the car wash.</source>
        <translation>Die Zahlung wurde nicht ausgeführt. Sie können diese Seite schließen und in der Waschanlage bezahlen.</translation>
    </message>
    <message>
        <source>CarWash payment</source>
        <translation>CarWash-Zahlung</translation>
    </message>
    <message>
        <source>%1 must be a whole number of at least %2, not &quot;%3&quot;.</source>
        <translation>%1 muss eine ganze Zahl von mindestens %2 sein, nicht „%3“.</translation>
    </message>
    <message>
        <source>Thank you. Your payment was received. You can close this page.</source>
        <translation>Vielen Dank. Ihre Zahlung ist eingegangen. Sie können diese Seite schließen.</translation>
    </message>
    <message>
        <source>carwash-server: Stripe webhooks, card payment requests and GET /health for CarWash Desk.
carwash-server secrets set|show|remove keeps its Stripe secrets in this account&apos;s keychain (carwash-server secrets --help).</source>
        <translation>carwash-server: Stripe-Webhooks, Kartenzahlungsanfragen und GET /health für CarWash Desk.
carwash-server secrets set|show|remove bewahrt seine Stripe-Geheimnisse im Schlüsselbund dieses Kontos auf (carwash-server secrets --help).</translation>
    </message>
    <message>
        <source>carwash-server is preparing the database (applying its migrations); it serves once they are applied.</source>
        <translation>carwash-server bereitet die Datenbank vor (wendet seine Migrationen an); es antwortet, sobald sie angewendet sind.</translation>
    </message>
    <message>
        <source>READ_DATABASE_URL: %1</source>
        <translation>READ_DATABASE_URL: %1</translation>
    </message>
</context>
<context>
    <name>ServiceCheckList</name>
    <message>
        <source>%1 (inactive)</source>
        <translation>%1 (inaktiv)</translation>
    </message>
</context>
<context>
    <name>ServicesPage</name>
    <message>
        <source>Service name</source>
        <translation>Name der Leistung</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>D&amp;escription:</source>
        <translation>B&amp;eschreibung:</translation>
    </message>
    <message>
        <source>Duration in minutes</source>
        <translation>Dauer in Minuten</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>Durati&amp;on:</source>
        <translation>&amp;Dauer:</translation>
    </message>
    <message>
        <source>&amp;Active (offered at the desk and the kiosk)</source>
        <translation>&amp;Aktiv (am Schalter und am Kiosk angeboten)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>&amp;Car</source>
        <translation>&amp;Pkw</translation>
    </message>
    <message>
        <source>S&amp;UV</source>
        <translation>S&amp;UV</translation>
    </message>
    <message>
        <source>&amp;Truck</source>
        <translation>&amp;Transporter</translation>
    </message>
    <message>
        <source>Offered for %1</source>
        <translation>Angeboten für %1</translation>
    </message>
    <message>
        <source>%1 price</source>
        <translation>Preis für %1</translation>
    </message>
    <message>
        <source>Prices:</source>
        <translation>Preise:</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Leistungen</translation>
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
        <source>Type the %1 price, for example %2, or untick it if it is not offered.</source>
        <translation>Geben Sie den Preis für %1 ein, zum Beispiel %2, oder entfernen Sie das Häkchen, wenn es nicht angeboten wird.</translation>
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
        <source>Add people and reset PINs (managers)</source>
        <translation>Personen hinzufügen und PINs zurücksetzen (Manager)</translation>
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
    <message>
        <source>&amp;New walk-in</source>
        <translation>&amp;Neuer Spontankunde</translation>
    </message>
    <message>
        <source>New walk-in</source>
        <translation>Neuer Spontankunde</translation>
    </message>
    <message>
        <source>Book a walk-in: wash, plate, Enter (Ctrl+N)</source>
        <translation>Spontankunden buchen: Wäsche, Kennzeichen, Eingabe (Strg+N)</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen…</translation>
    </message>
    <message>
        <source>Find a booking</source>
        <translation>Buchung suchen</translation>
    </message>
    <message>
        <source>Find a booking by plate, phone, name or code (Ctrl+F)</source>
        <translation>Buchung nach Kennzeichen, Telefon, Name oder Code suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Site set&amp;up…</source>
        <translation>Standorte&amp;inrichtung…</translation>
    </message>
    <message>
        <source>Opening hours, closures, services, prices and bays (managers)</source>
        <translation>Öffnungszeiten, Schließtage, Leistungen, Preise und Waschplätze (Manager)</translation>
    </message>
    <message>
        <source>&amp;Diagnostics…</source>
        <translation>&amp;Diagnose…</translation>
    </message>
    <message>
        <source>Live health of the database pool of every desk, kiosk and service (managers)</source>
        <translation>Live-Zustand des Datenbankpools jedes Schalters, Kiosks und Dienstes (Manager)</translation>
    </message>
    <message>
        <source>Ta&amp;kings…</source>
        <translation>Einna&amp;hmen…</translation>
    </message>
    <message>
        <source>The day&apos;s takings</source>
        <translation>Die Einnahmen des Tages</translation>
    </message>
    <message>
        <source>End of day: the day&apos;s takings by method, to print or save as CSV (Ctrl+E)</source>
        <translation>Tagesabschluss: die Einnahmen des Tages nach Zahlungsart, zum Drucken oder als CSV (Strg+E)</translation>
    </message>
    <message>
        <source>&amp;Card readers…</source>
        <translation>Karten&amp;lesegeräte…</translation>
    </message>
    <message>
        <source>Stripe card readers and the desk or kiosk each serves (managers)</source>
        <translation>Stripe-Kartenlesegeräte und der Schalter oder Kiosk, dem jedes dient (Leitung)</translation>
    </message>
    <message>
        <source>Manager screens</source>
        <translation>Verwaltungsfenster</translation>
    </message>
    <message>
        <source>Database s&amp;ettings…</source>
        <translation>Datenbank&amp;einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Manage</source>
        <translation>Ve&amp;rwalten</translation>
    </message>
    <message>
        <source>Manage</source>
        <translation>Verwalten</translation>
    </message>
    <message>
        <source>&amp;Kiosks…</source>
        <translation>&amp;Kiosks…</translation>
    </message>
    <message>
        <source>The self-service kiosks: language, ways of paying, card reader, running (managers)</source>
        <translation>Die Selbstbedienungs-Kiosks: Sprache, Zahlungsarten, Kartenlesegerät, läuft (Manager)</translation>
    </message>
    <message>
        <source>&amp;Backups…</source>
        <translation>&amp;Sicherungen…</translation>
    </message>
    <message>
        <source>Backups of the database: the last one, the folder, Back up now (managers)</source>
        <translation>Sicherungen der Datenbank: die letzte, der Ordner, Jetzt sichern (Manager)</translation>
    </message>
    <message>
        <source>Site set-up, staff, card readers, kiosks, backups, database settings and diagnostics (managers)</source>
        <translation>Standorteinrichtung, Personal, Kartenlesegeräte, Kiosks, Sicherungen, Datenbankeinstellungen und Diagnose (Manager)</translation>
    </message>
</context>
<context>
    <name>SettingsFirstRunPage</name>
    <message>
        <source>%1. Accepted: %2.</source>
        <translation>%1. Zulässig: %2.</translation>
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
        <source>Locked, %1 left</source>
        <translation>Gesperrt, noch %1</translation>
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
        <source>Signing in failed. %1</source>
        <translation>Anmeldung fehlgeschlagen. %1</translation>
    </message>
    <message>
        <source>%1 can no longer sign in here. Ask a manager.</source>
        <translation>%1 kann sich hier nicht mehr anmelden. Wenden Sie sich an einen Manager.</translation>
    </message>
    <message>
        <source>Nobody can sign in: everyone on the staff list has been deactivated. Ask your administrator.</source>
        <translation>Niemand kann sich anmelden: Alle Personen auf der Personalliste sind deaktiviert. Fragen Sie Ihren Administrator.</translation>
    </message>
</context>
<context>
    <name>SiteConfigFile</name>
    <message>
        <source>%1 cannot be read (%2); it names this PC&apos;s site database: ask the administrator to make it readable for everyone (chmod 0644).</source>
        <translation>%1 kann nicht gelesen werden (%2); sie nennt die Standortdatenbank dieses PCs: Bitten Sie den Administrator, sie für alle lesbar zu machen (chmod 0644).</translation>
    </message>
    <message>
        <source>%1, line %2: expected KEY=VALUE.</source>
        <translation>%1, Zeile %2: KEY=VALUE erwartet.</translation>
    </message>
    <message>
        <source>%1, line %2: unknown setting &quot;%3&quot; ignored; the file holds DATABASE_URL only.</source>
        <translation>%1, Zeile %2: unbekannte Einstellung &quot;%3&quot; ignoriert; die Datei enthält nur DATABASE_URL.</translation>
    </message>
    <message>
        <source>%1 has no DATABASE_URL; write DATABASE_URL=postgresql://… into it, or remove it to use each program&apos;s own settings.</source>
        <translation>%1 enthält keine DATABASE_URL; schreiben Sie DATABASE_URL=postgresql://… hinein oder entfernen Sie die Datei, damit jedes Programm seine eigenen Einstellungen nutzt.</translation>
    </message>
    <message>
        <source>%1 holds a password, which everyone on this PC can read: take it out of DATABASE_URL and keep it in each user&apos;s keychain (carwash-admin site join).</source>
        <translation>%1 enthält ein Passwort, das jeder auf diesem PC lesen kann: Nehmen Sie es aus DATABASE_URL heraus und bewahren Sie es im Schlüsselbund jedes Benutzers auf (carwash-admin site join).</translation>
    </message>
    <message>
        <source>The connection for %1 must not hold a password.</source>
        <translation>Die Verbindung für %1 darf kein Passwort enthalten.</translation>
    </message>
    <message>
        <source>The folder %1 cannot be made.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>%1 cannot be written: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>SiteDatabase</name>
    <message>
        <source>The database %1 exists already and belongs to %2, not to %3; nothing was changed. Give it to %3 (ALTER DATABASE %1 OWNER TO %3) if it is the site&apos;s, or choose another name.</source>
        <translation>Die Datenbank %1 existiert bereits und gehört %2, nicht %3; nichts wurde geändert. Übergeben Sie sie an %3 (ALTER DATABASE %1 OWNER TO %3), wenn sie die des Standorts ist, oder wählen Sie einen anderen Namen.</translation>
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
    <message>
        <source>text of %1 to %2 characters</source>
        <translation>ein Text mit %1 bis %2 Zeichen</translation>
    </message>
    <message>
        <source>a three-letter currency code such as USD or EUR</source>
        <translation>ein dreistelliger Währungscode wie USD oder EUR</translation>
    </message>
    <message>
        <source>true or false</source>
        <translation>true oder false</translation>
    </message>
    <message>
        <source>%1 must be %2 without control characters.</source>
        <translation>%1 muss %2 ohne Steuerzeichen sein.</translation>
    </message>
    <message>
        <source>%1 must be %2; it has %3.</source>
        <translation>%1 muss %2 sein; es hat %3.</translation>
    </message>
    <message>
        <source>a percentage from 0 to %1 with at most two decimals, such as %2</source>
        <translation>ein Prozentsatz von 0 bis %1 mit höchstens zwei Nachkommastellen, etwa %2</translation>
    </message>
    <message>
        <source>The site&apos;s time zone; opening hours and slots are in it</source>
        <translation>Die Zeitzone des Standorts; Öffnungszeiten und Termine gelten in ihr</translation>
    </message>
    <message>
        <source>Minutes between possible start times</source>
        <translation>Minuten zwischen möglichen Startzeiten</translation>
    </message>
    <message>
        <source>Cleanup minutes a bay stays busy after each booking</source>
        <translation>Minuten zum Aufräumen, die ein Waschplatz nach jeder Buchung belegt bleibt</translation>
    </message>
    <message>
        <source>Minutes between now and the earliest bookable start</source>
        <translation>Minuten zwischen jetzt und dem frühesten buchbaren Start</translation>
    </message>
    <message>
        <source>How many days ahead bookings may be made</source>
        <translation>Wie viele Tage im Voraus gebucht werden kann</translation>
    </message>
    <message>
        <source>Minutes an unpaid kiosk hold keeps its slot</source>
        <translation>Minuten, die eine unbezahlte Kiosk-Reservierung ihren Termin freihält</translation>
    </message>
    <message>
        <source>The business name printed on receipts</source>
        <translation>Der auf Belegen gedruckte Firmenname</translation>
    </message>
    <message>
        <source>The address printed on receipts; one line per line</source>
        <translation>Die auf Belegen gedruckte Adresse; eine Zeile pro Zeile</translation>
    </message>
    <message>
        <source>The currency of every price</source>
        <translation>Die Währung aller Preise</translation>
    </message>
    <message>
        <source>The sales tax rate shown on receipts, in percent</source>
        <translation>Der auf Belegen ausgewiesene Steuersatz in Prozent</translation>
    </message>
    <message>
        <source>Whether menu prices already include the tax</source>
        <translation>Ob die Preise der Karte die Steuer bereits enthalten</translation>
    </message>
    <message>
        <source>Days a stopped process&apos;s health snapshot is kept before maintenance removes it</source>
        <translation>Tage, die der Zustand eines beendeten Prozesses aufbewahrt wird, bevor die Wartung ihn entfernt</translation>
    </message>
    <message>
        <source>Days audit log entries are kept before maintenance removes them</source>
        <translation>Tage, die Einträge des Prüfprotokolls aufbewahrt werden, bevor die Wartung sie entfernt</translation>
    </message>
    <message>
        <source>%1 must be %2.</source>
        <translation>%1 muss %2 sein.</translation>
    </message>
    <message>
        <source>Seconds without a touch before a kiosk asks &quot;Still there?&quot;</source>
        <translation>Sekunden ohne Berührung, bis ein Kiosk „Noch da?“ fragt</translation>
    </message>
    <message>
        <source>Days processed payment events and answered attendant calls are kept before maintenance removes them</source>
        <translation>Tage, die verarbeitete Zahlungsereignisse und beantwortete Personalrufe aufbewahrt werden, bevor die Wartung sie entfernt</translation>
    </message>
    <message>
        <source>is not allowed: name each web site (any site at all would let every page on the internet book in your name).</source>
        <translation>ist nicht erlaubt: nennen Sie jede Website einzeln (jede beliebige Website ließe jede Seite im Internet in Ihrem Namen buchen).</translation>
    </message>
    <message>
        <source>is not a web site&apos;s origin such as https://www.example.com.</source>
        <translation>ist kein Ursprung einer Website wie https://www.example.com.</translation>
    </message>
    <message>
        <source>is not an address or range such as 10.0.0.5 or 10.0.0.0/8.</source>
        <translation>ist keine Adresse und kein Bereich wie 10.0.0.5 oder 10.0.0.0/8.</translation>
    </message>
    <message>
        <source>Minutes before its start until which a customer may move or cancel a booking online</source>
        <translation>Minuten vor Beginn, bis zu denen ein Kunde eine Buchung online verlegen oder stornieren kann</translation>
    </message>
    <message>
        <source>Bookings and changes one client may send to the online API at once</source>
        <translation>Buchungen und Änderungen, die ein Client auf einmal an die Online-API senden darf</translation>
    </message>
    <message>
        <source>Bookings and changes per minute a client&apos;s allowance refills by; 0 turns the limit off</source>
        <translation>Buchungen und Änderungen pro Minute, um die das Kontingent eines Clients wieder wächst; 0 schaltet die Grenze ab</translation>
    </message>
    <message>
        <source>Web sites whose pages may call the online API, such as https://www.example.com; separated by spaces</source>
        <translation>Websites, deren Seiten die Online-API aufrufen dürfen, wie https://www.example.com; durch Leerzeichen getrennt</translation>
    </message>
    <message>
        <source>Reverse proxies whose X-Forwarded-For names the real client: addresses or ranges such as 10.0.0.0/8, separated by spaces</source>
        <translation>Reverse-Proxys, deren X-Forwarded-For den echten Client nennt: Adressen oder Bereiche wie 10.0.0.0/8, durch Leerzeichen getrennt</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; %3</source>
        <translation>%1: „%2“ %3</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>eines von %1</translation>
    </message>
    <message>
        <source>The SMTP server confirmation e-mails are sent through; empty: no e-mails are sent (they wait in the queue)</source>
        <translation>Der SMTP-Server, über den Bestätigungs-E-Mails gesendet werden; leer: es werden keine E-Mails gesendet (sie warten in der Warteschlange)</translation>
    </message>
    <message>
        <source>The SMTP server&apos;s port</source>
        <translation>Der Port des SMTP-Servers</translation>
    </message>
    <message>
        <source>How the connection to the SMTP server is encrypted: none, starttls or tls</source>
        <translation>Wie die Verbindung zum SMTP-Server verschlüsselt wird: none, starttls oder tls</translation>
    </message>
    <message>
        <source>The user name for the SMTP server; empty: no login. The password is set in carwash-server&apos;s environment (CARWASH_SMTP_PASSWORD)</source>
        <translation>Der Benutzername für den SMTP-Server; leer: keine Anmeldung. Das Passwort steht in der Umgebung von carwash-server (CARWASH_SMTP_PASSWORD)</translation>
    </message>
    <message>
        <source>The sender address of confirmation e-mails, such as bookings@example.com</source>
        <translation>Die Absenderadresse der Bestätigungs-E-Mails, etwa bookings@example.com</translation>
    </message>
    <message>
        <source>The language of e-mails to customers who did not choose one</source>
        <translation>Die Sprache der E-Mails an Kunden, die keine gewählt haben</translation>
    </message>
    <message>
        <source>%1 must be an e-mail address such as bookings@example.com; &quot;%2&quot; is not.</source>
        <translation>%1 muss eine E-Mail-Adresse wie bookings@example.com sein; „%2“ ist keine.</translation>
    </message>
    <message>
        <source>%1 must be a host name or address such as smtp.example.com; &quot;%2&quot; is not.</source>
        <translation>%1 muss ein Hostname oder eine Adresse wie smtp.example.com sein; „%2“ ist keine.</translation>
    </message>
    <message>
        <source>%1 may not contain spaces.</source>
        <translation>%1 darf keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>Days the daily backups of this PC&apos;s database are kept before they are deleted</source>
        <translation>Tage, die die täglichen Sicherungen der Datenbank dieses PCs aufbewahrt werden, bevor sie gelöscht werden</translation>
    </message>
    <message>
        <source>The folder backups are written to, such as a USB disk; empty: the backups folder in the data folder</source>
        <translation>Der Ordner, in den Sicherungen geschrieben werden, etwa ein USB-Laufwerk; leer: der Ordner backups im Datenordner</translation>
    </message>
    <message>
        <source>%1 must be a full path such as /media/usb/carwash-backups; &quot;%2&quot; is not.</source>
        <translation>%1 muss ein vollständiger Pfad wie /media/usb/carwash-backups sein; &quot;%2&quot; ist keiner.</translation>
    </message>
</context>
<context>
    <name>SiteSettingsPage</name>
    <message>
        <source>Time &amp;zone:</source>
        <translation>&amp;Zeitzone:</translation>
    </message>
    <message>
        <source>Slot e&amp;very (minutes):</source>
        <translation>&amp;Raster (Minuten):</translation>
    </message>
    <message>
        <source>Clean-up buffe&amp;r (minutes):</source>
        <translation>Reinigungs&amp;puffer (Minuten):</translation>
    </message>
    <message>
        <source>Minimum &amp;notice (minutes):</source>
        <translation>Mindestvor&amp;lauf (Minuten):</translation>
    </message>
    <message>
        <source>Boo&amp;k ahead (days):</source>
        <translation>Im Voraus &amp;buchbar (Tage):</translation>
    </message>
    <message>
        <source>Kiosk h&amp;old (minutes):</source>
        <translation>Kios&amp;k-Reservierung (Minuten):</translation>
    </message>
    <message>
        <source>Business na&amp;me:</source>
        <translation>Firmen&amp;name:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>&amp;Currency:</source>
        <translation>&amp;Währung:</translation>
    </message>
    <message>
        <source>Ta&amp;x rate (%):</source>
        <translation>Steu&amp;ersatz (%):</translation>
    </message>
    <message>
        <source>Prices include the &amp;tax</source>
        <translation>Preise enthalten die S&amp;teuer</translation>
    </message>
    <message>
        <source>%1. Accepted: %2.</source>
        <translation>%1. Zulässig: %2.</translation>
    </message>
    <message>
        <source>&amp;Save site settings</source>
        <translation>Standorteinstellungen &amp;speichern</translation>
    </message>
    <message>
        <source>Save the site settings</source>
        <translation>Die Standorteinstellungen speichern</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>Änderungen &amp;verwerfen</translation>
    </message>
    <message>
        <source>Undo the changes not saved yet</source>
        <translation>Noch nicht gespeicherte Änderungen verwerfen</translation>
    </message>
    <message>
        <source>The site settings could not be loaded.</source>
        <translation>Die Standorteinstellungen konnten nicht geladen werden.</translation>
    </message>
    <message>
        <source>No changes to save.</source>
        <translation>Keine Änderungen zu speichern.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>The site settings were not saved.</source>
        <translation>Die Standorteinstellungen wurden nicht gespeichert.</translation>
    </message>
    <message numerus="yes">
        <source>Saved (%n setting(s) changed).</source>
        <translation>
            <numerusform>Gespeichert (%n Einstellung geändert).</numerusform>
            <numerusform>Gespeichert (%n Einstellungen geändert).</numerusform>
        </translation>
    </message>
    <message>
        <source>Kiosk idle (seconds):</source>
        <translation>Kiosk-Leerlauf (Sekunden):</translation>
    </message>
    <message>
        <source>SMTP server:</source>
        <translation>SMTP-Server:</translation>
    </message>
    <message>
        <source>SMTP port:</source>
        <translation>SMTP-Port:</translation>
    </message>
    <message>
        <source>SMTP encryption:</source>
        <translation>SMTP-Verschlüsselung:</translation>
    </message>
    <message>
        <source>SMTP user:</source>
        <translation>SMTP-Benutzer:</translation>
    </message>
    <message>
        <source>E-mail sender:</source>
        <translation>E-Mail-Absender:</translation>
    </message>
    <message>
        <source>E-mail language:</source>
        <translation>E-Mail-Sprache:</translation>
    </message>
    <message>
        <source>Online changes until (minutes before):</source>
        <translation>Online-Änderungen bis (Minuten vorher):</translation>
    </message>
    <message>
        <source>Online API burst:</source>
        <translation>Online-API-Spitze:</translation>
    </message>
    <message>
        <source>Online API changes per minute:</source>
        <translation>Online-API-Änderungen pro Minute:</translation>
    </message>
    <message>
        <source>Web sites allowed (CORS):</source>
        <translation>Erlaubte Websites (CORS):</translation>
    </message>
    <message>
        <source>Trusted proxies:</source>
        <translation>Vertrauenswürdige Proxys:</translation>
    </message>
    <message>
        <source>Keep process health (days):</source>
        <translation>Prozesszustand aufbewahren (Tage):</translation>
    </message>
    <message>
        <source>Keep the audit log (days):</source>
        <translation>Prüfprotokoll aufbewahren (Tage):</translation>
    </message>
    <message>
        <source>Keep Stripe events (days):</source>
        <translation>Stripe-Ereignisse aufbewahren (Tage):</translation>
    </message>
    <message>
        <source>Keep backups (days):</source>
        <translation>Sicherungen aufbewahren (Tage):</translation>
    </message>
    <message>
        <source>Backup folder:</source>
        <translation>Sicherungsordner:</translation>
    </message>
</context>
<context>
    <name>SiteSetupDialog</name>
    <message>
        <source>Site setup</source>
        <translation>Standorteinrichtung</translation>
    </message>
    <message>
        <source>Site setup sections</source>
        <translation>Bereiche der Standorteinrichtung</translation>
    </message>
    <message>
        <source>S&amp;ite</source>
        <translation>&amp;Standort</translation>
    </message>
    <message>
        <source>Opening &amp;hours</source>
        <translation>Öffnungs&amp;zeiten</translation>
    </message>
    <message>
        <source>C&amp;losures</source>
        <translation>Schl&amp;ießtage</translation>
    </message>
    <message>
        <source>Services &amp;&amp; &amp;prices</source>
        <translation>Leistungen &amp;&amp; &amp;Preise</translation>
    </message>
    <message>
        <source>A&amp;dd-ons</source>
        <translation>Z&amp;usatzleistungen</translation>
    </message>
    <message>
        <source>&amp;Bays</source>
        <translation>&amp;Waschplätze</translation>
    </message>
    <message>
        <source>The services, add-ons and bays could not be loaded. %1</source>
        <translation>Leistungen, Zusatzleistungen und Waschplätze konnten nicht geladen werden. %1</translation>
    </message>
</context>
<context>
    <name>SiteSetupPage</name>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Nothing was saved: correct the fields marked in red.</source>
        <translation>Nichts gespeichert: Korrigieren Sie die rot markierten Felder.</translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation>Nichts gespeichert: %1</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
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
    <name>SlowQueryModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>SQL</source>
        <translation>SQL</translation>
    </message>
</context>
<context>
    <name>SpeakButton</name>
    <message>
        <source>Speak</source>
        <translation>Vorlesen</translation>
    </message>
    <message>
        <source>Hold for two seconds to hear the screen read aloud.</source>
        <translation>Zwei Sekunden gedrückt halten, um sich den Bildschirm vorlesen zu lassen.</translation>
    </message>
    <message>
        <source>Hold to hear the screen read aloud</source>
        <translation>Gedrückt halten, um sich den Bildschirm vorlesen zu lassen</translation>
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
        <translation>Wird geladen…</translation>
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
    <message>
        <source>&amp;Deactivate</source>
        <translation>&amp;Deaktivieren</translation>
    </message>
    <message>
        <source>&amp;Reactivate</source>
        <translation>&amp;Reaktivieren</translation>
    </message>
    <message>
        <source>Deactivate the selected person: their PIN no longer signs in</source>
        <translation>Die ausgewählte Person deaktivieren: ihre PIN meldet nicht mehr an</translation>
    </message>
    <message>
        <source>Reactivate the selected person</source>
        <translation>Die ausgewählte Person wieder aktivieren</translation>
    </message>
    <message>
        <source>Make &amp;staff</source>
        <translation>Zum &amp;Mitarbeiter machen</translation>
    </message>
    <message>
        <source>Make &amp;manager</source>
        <translation>Zum Mana&amp;ger machen</translation>
    </message>
    <message>
        <source>Make the selected person staff, not a manager</source>
        <translation>Die ausgewählte Person zum Mitarbeiter machen, nicht zum Manager</translation>
    </message>
    <message>
        <source>Make the selected person a manager</source>
        <translation>Die ausgewählte Person zum Manager machen</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>%1 was not changed. %2</source>
        <translation>%1 wurde nicht geändert. %2</translation>
    </message>
    <message>
        <source>%1 is active again and may sign in.</source>
        <translation>%1 ist wieder aktiv und darf sich anmelden.</translation>
    </message>
    <message>
        <source>%1 is no longer active; their PIN no longer signs in.</source>
        <translation>%1 ist nicht mehr aktiv; die PIN meldet nicht mehr an.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 ist jetzt %2.</translation>
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
    <message>
        <source>PIN a&amp;gain:</source>
        <translation>PIN &amp;wiederholen:</translation>
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
    <message>
        <source>%1 is the last active manager. Make someone else a manager first.</source>
        <translation>%1 ist der letzte aktive Manager. Machen Sie zuerst jemand anderen zum Manager.</translation>
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
    <name>StripeConfig</name>
    <message>
        <source>%1 is not set: carwash-server needs the secret key of the car wash&apos;s Stripe account (it starts with sk_live_, sk_test_ or rk_), in its environment file or its account&apos;s keychain (carwash-server secrets set secret-key).</source>
        <translation>%1 ist nicht gesetzt: carwash-server braucht den geheimen Schlüssel des Stripe-Kontos der Waschanlage (er beginnt mit sk_live_, sk_test_ oder rk_), in seiner Umgebungsdatei oder im Schlüsselbund seines Kontos (carwash-server secrets set secret-key).</translation>
    </message>
    <message>
        <source>%1 holds a publishable key (pk_…): the server needs the secret key, which starts with sk_live_, sk_test_ or rk_.</source>
        <translation>%1 enthält einen veröffentlichbaren Schlüssel (pk_…): Der Server braucht den geheimen Schlüssel, der mit sk_live_, sk_test_ oder rk_ beginnt.</translation>
    </message>
    <message>
        <source>%1 is not a Stripe secret key: it should start with sk_live_, sk_test_ or rk_ and hold no spaces.</source>
        <translation>%1 ist kein geheimer Stripe-Schlüssel: Er sollte mit sk_live_, sk_test_ oder rk_ beginnen und keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>%1 is not set: carwash-server needs the signing secret of the Stripe webhook endpoint (whsec_…, shown in Stripe&apos;s dashboard; several separated by commas while one is replaced), in its environment file or its account&apos;s keychain (carwash-server secrets set webhook-secret).</source>
        <translation>%1 ist nicht gesetzt: carwash-server braucht das Signaturgeheimnis des Stripe-Webhook-Endpunkts (whsec_…, im Stripe-Dashboard angezeigt; mehrere durch Kommas getrennt, solange eines ersetzt wird), in seiner Umgebungsdatei oder im Schlüsselbund seines Kontos (carwash-server secrets set webhook-secret).</translation>
    </message>
    <message>
        <source>%1: value %2 of %3 is not a webhook signing secret; each starts with whsec_.</source>
        <translation>%1: Wert %2 von %3 ist kein Webhook-Signaturgeheimnis; jedes beginnt mit whsec_.</translation>
    </message>
    <message>
        <source>%1 is not an http or https address without a path (the default is %2).</source>
        <translation>%1 ist keine http- oder https-Adresse ohne Pfad (Standard ist %2).</translation>
    </message>
    <message>
        <source>The Stripe API version is empty; it should be a date such as %1.</source>
        <translation>Die Stripe-API-Version ist leer; sie sollte ein Datum wie %1 sein.</translation>
    </message>
    <message>
        <source>The Stripe request timeout must be more than 0 ms.</source>
        <translation>Die Zeitbegrenzung für Stripe-Anfragen muss mehr als 0 ms betragen.</translation>
    </message>
    <message>
        <source>The number of retries of a Stripe request must be between 0 and 10.</source>
        <translation>Die Zahl der Wiederholungen einer Stripe-Anfrage muss zwischen 0 und 10 liegen.</translation>
    </message>
    <message>
        <source>The retry delays of Stripe requests must be 0 ms or more, the longest no shorter than the first.</source>
        <translation>Die Wartezeiten vor Wiederholungen von Stripe-Anfragen müssen 0 ms oder mehr betragen, die längste nicht kürzer als die erste.</translation>
    </message>
</context>
<context>
    <name>StripeError</name>
    <message>
        <source>Stripe could not be reached. Check the server&apos;s internet connection, then try again.</source>
        <translation>Stripe war nicht erreichbar. Prüfen Sie die Internetverbindung des Servers und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>Stripe did not answer in time. Try again in a minute; if it keeps happening, check the server&apos;s internet connection.</source>
        <translation>Stripe hat nicht rechtzeitig geantwortet. Versuchen Sie es in einer Minute erneut; wenn es immer wieder passiert, prüfen Sie die Internetverbindung des Servers.</translation>
    </message>
    <message>
        <source>Stripe is receiving too many requests from this account right now. Try again in a minute.</source>
        <translation>Stripe erhält gerade zu viele Anfragen von diesem Konto. Versuchen Sie es in einer Minute erneut.</translation>
    </message>
    <message>
        <source>Stripe had a problem on its side. Try again in a few minutes; Stripe&apos;s status page says whether it is down.</source>
        <translation>Bei Stripe ist ein Problem aufgetreten. Versuchen Sie es in einigen Minuten erneut; die Statusseite von Stripe zeigt, ob der Dienst gestört ist.</translation>
    </message>
    <message>
        <source>Stripe is still busy with an earlier request for this payment. Try again in a moment.</source>
        <translation>Stripe bearbeitet noch eine frühere Anfrage zu dieser Zahlung. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>Stripe refused the server&apos;s secret key. Check STRIPE_SECRET_KEY in carwash-server&apos;s settings.</source>
        <translation>Stripe hat den geheimen Schlüssel des Servers abgelehnt. Prüfen Sie STRIPE_SECRET_KEY in den Einstellungen von carwash-server.</translation>
    </message>
    <message>
        <source>The server&apos;s Stripe key is not allowed to do this. Give it access to Checkout, payments, Terminal and refunds in Stripe&apos;s dashboard.</source>
        <translation>Der Stripe-Schlüssel des Servers darf das nicht. Geben Sie ihm im Stripe-Dashboard Zugriff auf Checkout, Zahlungen, Terminal und Erstattungen.</translation>
    </message>
    <message>
        <source>Stripe refused the request: %1. Check the payment&apos;s details; if they look right, tell your support contact.</source>
        <translation>Stripe hat die Anfrage abgelehnt: %1. Prüfen Sie die Angaben der Zahlung; wenn sie stimmen, wenden Sie sich an Ihren Support.</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>kein Grund angegeben</translation>
    </message>
    <message>
        <source>Stripe already received this request with other details and refused to repeat it. Start the payment again.</source>
        <translation>Stripe hat diese Anfrage bereits mit anderen Angaben erhalten und lehnt die Wiederholung ab. Beginnen Sie die Zahlung neu.</translation>
    </message>
    <message>
        <source>The card was declined: %1. Ask for another card or another way of paying.</source>
        <translation>Die Karte wurde abgelehnt: %1. Bitten Sie um eine andere Karte oder eine andere Zahlungsart.</translation>
    </message>
    <message>
        <source>Stripe does not know this payment, session or reader. It may belong to another Stripe account or to test mode; check the server&apos;s Stripe key.</source>
        <translation>Stripe kennt diese Zahlung, Sitzung oder dieses Lesegerät nicht. Es gehört vielleicht zu einem anderen Stripe-Konto oder zum Testmodus; prüfen Sie den Stripe-Schlüssel des Servers.</translation>
    </message>
    <message>
        <source>Card payments are not set up on the server: %1</source>
        <translation>Kartenzahlungen sind auf dem Server nicht eingerichtet: %1</translation>
    </message>
    <message>
        <source>The server stopped before Stripe answered. Try again.</source>
        <translation>Der Server wurde beendet, bevor Stripe geantwortet hat. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Stripe keeps at most 50 metadata keys.</source>
        <translation>Stripe speichert höchstens 50 Metadatenschlüssel.</translation>
    </message>
    <message>
        <source>The metadata key &quot;%1&quot; is not one Stripe accepts (1 to 40 characters, no brackets).</source>
        <translation>Den Metadatenschlüssel „%1“ nimmt Stripe nicht an (1 bis 40 Zeichen, keine eckigen Klammern).</translation>
    </message>
    <message>
        <source>The metadata value of &quot;%1&quot; is longer than Stripe&apos;s 500 characters.</source>
        <translation>Der Metadatenwert von „%1“ ist länger als die 500 Zeichen, die Stripe erlaubt.</translation>
    </message>
    <message>
        <source>The currency &quot;%1&quot; is not a three-letter ISO code.</source>
        <translation>Die Währung „%1“ ist kein dreibuchstabiger ISO-Code.</translation>
    </message>
    <message>
        <source>A Checkout session needs at least one line item.</source>
        <translation>Eine Checkout-Sitzung braucht mindestens eine Position.</translation>
    </message>
    <message>
        <source>Line item %1 has no name.</source>
        <translation>Position %1 hat keinen Namen.</translation>
    </message>
    <message>
        <source>Line item %1 has a negative price.</source>
        <translation>Position %1 hat einen negativen Preis.</translation>
    </message>
    <message>
        <source>Line item %1 has a quantity below 1.</source>
        <translation>Position %1 hat eine Menge unter 1.</translation>
    </message>
    <message>
        <source>A Checkout session needs both the page after paying and the page after cancelling.</source>
        <translation>Eine Checkout-Sitzung braucht sowohl die Seite nach dem Bezahlen als auch die Seite nach dem Abbrechen.</translation>
    </message>
    <message>
        <source>A Checkout session must expire between 30 minutes and 24 hours from now (Stripe&apos;s limits), not at %1.</source>
        <translation>Eine Checkout-Sitzung muss zwischen 30 Minuten und 24 Stunden ab jetzt ablaufen (die Grenzen von Stripe), nicht um %1.</translation>
    </message>
    <message>
        <source>A card payment must be for more than 0.</source>
        <translation>Eine Kartenzahlung muss über mehr als 0 lauten.</translation>
    </message>
    <message>
        <source>The reader&apos;s cart has no lines.</source>
        <translation>Der Warenkorb des Lesegeräts hat keine Positionen.</translation>
    </message>
    <message>
        <source>Every line of the reader&apos;s cart needs a description and a quantity of at least 1.</source>
        <translation>Jede Position im Warenkorb des Lesegeräts braucht eine Beschreibung und eine Menge von mindestens 1.</translation>
    </message>
    <message>
        <source>The reader&apos;s cart has a negative total.</source>
        <translation>Der Warenkorb des Lesegeräts hat eine negative Summe.</translation>
    </message>
    <message>
        <source>A card refund needs the payment&apos;s PaymentIntent (pi_…).</source>
        <translation>Eine Kartenerstattung braucht den PaymentIntent der Zahlung (pi_…).</translation>
    </message>
    <message>
        <source>A refund must be for more than 0.</source>
        <translation>Eine Erstattung muss über mehr als 0 lauten.</translation>
    </message>
    <message>
        <source>Stripe knows the refund reasons %1 only.</source>
        <translation>Stripe kennt nur die Erstattungsgründe %1.</translation>
    </message>
    <message>
        <source>The Stripe client was shut down.</source>
        <translation>Der Stripe-Client wurde beendet.</translation>
    </message>
    <message>
        <source>No PaymentIntent was given.</source>
        <translation>Es wurde kein PaymentIntent angegeben.</translation>
    </message>
    <message>
        <source>No Stripe id was given.</source>
        <translation>Es wurde keine Stripe-ID angegeben.</translation>
    </message>
    <message>
        <source>The request has no idempotency key of 1 to 255 characters.</source>
        <translation>Die Anfrage hat keinen Idempotenzschlüssel mit 1 bis 255 Zeichen.</translation>
    </message>
</context>
<context>
    <name>StripeEvent</name>
    <message>
        <source>The event is not JSON (%1 at byte %2).</source>
        <translation>Das Ereignis ist kein JSON (%1 bei Byte %2).</translation>
    </message>
    <message>
        <source>The event is not a JSON object.</source>
        <translation>Das Ereignis ist kein JSON-Objekt.</translation>
    </message>
    <message>
        <source>The body is a Stripe %1, not an event.</source>
        <translation>Der Inhalt ist ein Stripe-Objekt vom Typ %1, kein Ereignis.</translation>
    </message>
    <message>
        <source>The event has no id or no type.</source>
        <translation>Das Ereignis hat keine ID oder keinen Typ.</translation>
    </message>
    <message>
        <source>The event %1 has no data.object.</source>
        <translation>Das Ereignis %1 hat kein data.object.</translation>
    </message>
</context>
<context>
    <name>StripeSecrets</name>
    <message numerus="yes">
        <source>%n secret(s): %1</source>
        <translation>
            <numerusform>%n Geheimnis: %1</numerusform>
            <numerusform>%n Geheimnisse: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>the entry %1 is empty</source>
        <translation>der Eintrag %1 ist leer</translation>
    </message>
</context>
<context>
    <name>TakingsWindow</name>
    <message>
        <source>Cash</source>
        <translation>Bar</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Zahlungsart</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Zahlungen</translation>
    </message>
    <message>
        <source>Taken</source>
        <translation>Eingenommen</translation>
    </message>
    <message>
        <source>Tax in it</source>
        <translation>Darin Steuer</translation>
    </message>
    <message>
        <source>Refunds</source>
        <translation>Erstattungen</translation>
    </message>
    <message>
        <source>Refunded</source>
        <translation>Erstattet</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>Netto</translation>
    </message>
    <message>
        <source>Takings</source>
        <translation>Einnahmen</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>&amp;Day:</source>
        <translation>&amp;Tag:</translation>
    </message>
    <message>
        <source>Takings by method</source>
        <translation>Einnahmen nach Zahlungsart</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Drucken…</translation>
    </message>
    <message>
        <source>Save &amp;CSV…</source>
        <translation>Als &amp;CSV speichern…</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Adding up the day…</source>
        <translation>Der Tag wird zusammengerechnet…</translation>
    </message>
    <message>
        <source>The takings could not be loaded. %1</source>
        <translation>Die Einnahmen konnten nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>%1 — takings on %2</source>
        <translation>%1 — Einnahmen am %2</translation>
    </message>
    <message>
        <source>Takings — %1</source>
        <translation>Einnahmen — %1</translation>
    </message>
    <message>
        <source>From %1 to %2 (%3).</source>
        <translation>Von %1 bis %2 (%3).</translation>
    </message>
    <message>
        <source>Takings on %1</source>
        <translation>Einnahmen am %1</translation>
    </message>
    <message>
        <source>Takings sent to %1.</source>
        <translation>Einnahmen an %1 gesendet.</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Save takings as CSV</source>
        <translation>Einnahmen als CSV speichern</translation>
    </message>
    <message>
        <source>takings-%1.csv</source>
        <translation>einnahmen-%1.csv</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Takings saved as %1.</source>
        <translation>Einnahmen als %1 gespeichert.</translation>
    </message>
</context>
<context>
    <name>TimeScreen</name>
    <message>
        <source>Choose your time</source>
        <translation>Wählen Sie Ihre Zeit</translation>
    </message>
    <message>
        <source>Choosing a time for %1</source>
        <translation>Zeitwahl für %1</translation>
    </message>
    <message>
        <source>The next free time</source>
        <translation>Die nächste freie Zeit</translation>
    </message>
    <message>
        <source>Another free time</source>
        <translation>Eine weitere freie Zeit</translation>
    </message>
    <message>
        <source>Finding the next free times…</source>
        <translation>Die nächsten freien Zeiten werden gesucht…</translation>
    </message>
    <message>
        <source>Sorry, there is no free time left for this wash. Choose another wash, or see the desk.</source>
        <translation>Leider ist für diese Wäsche keine Zeit mehr frei. Wählen Sie eine andere Wäsche oder wenden Sie sich an den Schalter.</translation>
    </message>
    <message>
        <source>The next free time is first.</source>
        <translation>Die nächste freie Zeit steht oben.</translation>
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
        <translation>Wird geladen…</translation>
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
    <name>WalkInDialog</name>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>in %n Min.</numerusform>
            <numerusform>in %n Min.</numerusform>
        </translation>
    </message>
    <message>
        <source>in %1 h %2 min</source>
        <translation>in %1 Std. %2 Min.</translation>
    </message>
    <message>
        <source>New walk-in</source>
        <translation>Neuer Spontankunde</translation>
    </message>
    <message>
        <source>Vehicle</source>
        <translation>Fahrzeug</translation>
    </message>
    <message>
        <source>&amp;Car</source>
        <translation>&amp;Pkw</translation>
    </message>
    <message>
        <source>&amp;SUV</source>
        <translation>&amp;SUV</translation>
    </message>
    <message>
        <source>T&amp;ruck</source>
        <translation>T&amp;ransporter</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Zusatzleistungen</translation>
    </message>
    <message>
        <source>Choose a wash to see its add-ons.</source>
        <translation>Wählen Sie eine Wäsche, um ihre Zusatzleistungen zu sehen.</translation>
    </message>
    <message>
        <source>Next free time</source>
        <translation>Nächste freie Zeit</translation>
    </message>
    <message>
        <source>Price and duration</source>
        <translation>Preis und Dauer</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Licence plate</source>
        <translation>Kennzeichen</translation>
    </message>
    <message>
        <source>e.g. AB 123 CD</source>
        <translation>z. B. AB 123 CD</translation>
    </message>
    <message>
        <source>Customer name</source>
        <translation>Name des Kunden</translation>
    </message>
    <message>
        <source>Phone (optional)</source>
        <translation>Telefon (optional)</translation>
    </message>
    <message>
        <source>E-mail (optional)</source>
        <translation>E-Mail (optional)</translation>
    </message>
    <message>
        <source>&amp;Plate:</source>
        <translation>&amp;Kennzeichen:</translation>
    </message>
    <message>
        <source>N&amp;ame:</source>
        <translation>N&amp;ame:</translation>
    </message>
    <message>
        <source>P&amp;hone:</source>
        <translation>&amp;Telefon:</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Last visits</source>
        <translation>Letzte Besuche</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Leistung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Gebucht</translation>
    </message>
    <message>
        <source>Booked — confirmation code</source>
        <translation>Gebucht — Bestätigungscode</translation>
    </message>
    <message>
        <source>&amp;Book</source>
        <translation>&amp;Buchen</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>Buchen</translation>
    </message>
    <message>
        <source>Book this walk-in (Enter)</source>
        <translation>Diesen Spontankunden buchen (Eingabe)</translation>
    </message>
    <message>
        <source>&amp;Next car</source>
        <translation>&amp;Nächstes Auto</translation>
    </message>
    <message>
        <source>Next car</source>
        <translation>Nächstes Auto</translation>
    </message>
    <message>
        <source>An empty form for the next walk-in (Ctrl+N)</source>
        <translation>Ein leeres Formular für den nächsten Spontankunden (Strg+N)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Schließen (Esc)</translation>
    </message>
    <message>
        <source>Loading the washes…</source>
        <translation>Wäschen werden geladen…</translation>
    </message>
    <message>
        <source>The washes could not be loaded. %1</source>
        <translation>Die Wäschen konnten nicht geladen werden. %1</translation>
    </message>
    <message>
        <source>No washes are offered yet.</source>
        <translation>Es werden noch keine Wäschen angeboten.</translation>
    </message>
    <message>
        <source>not for this vehicle</source>
        <translation>nicht für dieses Fahrzeug</translation>
    </message>
    <message>
        <source>%1 · %2 min</source>
        <translation>%1 · %2 Min.</translation>
    </message>
    <message>
        <source>%1  %2
%3</source>
        <translation>%1  %2
%3</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>No add-ons for this wash.</source>
        <translation>Für diese Wäsche gibt es keine Zusatzleistungen.</translation>
    </message>
    <message>
        <source>%1  +%2, +%3 min</source>
        <translation>%1  +%2, +%3 Min.</translation>
    </message>
    <message>
        <source>%1  +%2</source>
        <translation>%1  +%2</translation>
    </message>
    <message>
        <source>The next free time could not be found. %1</source>
        <translation>Die nächste freie Zeit wurde nicht gefunden. %1</translation>
    </message>
    <message>
        <source>%1 on %2 is not free for this wash; the next free time is offered instead.</source>
        <translation>%1 auf %2 ist für diese Wäsche nicht frei; stattdessen wird die nächste freie Zeit angeboten.</translation>
    </message>
    <message>
        <source>%1 is not free for this wash; the next free time is offered instead.</source>
        <translation>%1 ist für diese Wäsche nicht frei; stattdessen wird die nächste freie Zeit angeboten.</translation>
    </message>
    <message>
        <source>%1 has no free time for this wash; the next free time on any bay is offered instead.</source>
        <translation>%1 hat keine freie Zeit für diese Wäsche; stattdessen wird die nächste freie Zeit auf einem beliebigen Waschplatz angeboten.</translation>
    </message>
    <message>
        <source>The time chosen on the board cannot be used: %1 The next free time is offered instead.</source>
        <translation>Die auf der Tafel gewählte Zeit geht nicht: %1 Stattdessen wird die nächste freie Zeit angeboten.</translation>
    </message>
    <message>
        <source>any bay</source>
        <translation>beliebiger Waschplatz</translation>
    </message>
    <message>
        <source>Chosen on the board: %1 on %2. Choose a wash.</source>
        <translation>Auf der Tafel gewählt: %1 auf %2. Wählen Sie eine Wäsche.</translation>
    </message>
    <message>
        <source>Chosen on the board: %1. Choose a wash.</source>
        <translation>Auf der Tafel gewählt: %1. Wählen Sie eine Wäsche.</translation>
    </message>
    <message>
        <source>Choose a wash to see the next free time.</source>
        <translation>Wählen Sie eine Wäsche, um die nächste freie Zeit zu sehen.</translation>
    </message>
    <message>
        <source>Finding the next free time…</source>
        <translation>Nächste freie Zeit wird gesucht…</translation>
    </message>
    <message>
        <source>No free time: the site is closed or fully booked for this wash within the booking horizon.</source>
        <translation>Keine freie Zeit: Der Standort ist im Buchungszeitraum für diese Wäsche geschlossen oder ausgebucht.</translation>
    </message>
    <message>
        <source>Chosen on the board: %1 on %2 — %3</source>
        <translation>Auf der Tafel gewählt: %1 auf %2 — %3</translation>
    </message>
    <message>
        <source>Next free: %1 on %2 — %3</source>
        <translation>Nächste freie: %1 auf %2 — %3</translation>
    </message>
    <message>
        <source>Nothing free today. Next free: %1 on %2</source>
        <translation>Heute nichts frei. Nächste freie: %1 auf %2</translation>
    </message>
    <message>
        <source>%1 is not offered for a %2.</source>
        <translation>%1 wird für %2 nicht angeboten.</translation>
    </message>
    <message>
        <source>Total %1 · %2 min</source>
        <translation>Gesamt %1 · %2 Min.</translation>
    </message>
    <message>
        <source>The plate could not be looked up. %1</source>
        <translation>Das Kennzeichen konnte nicht nachgeschlagen werden. %1</translation>
    </message>
    <message>
        <source>Type the customer&apos;s name, or press Retry.</source>
        <translation>Geben Sie den Namen des Kunden ein oder drücken Sie Wiederholen.</translation>
    </message>
    <message>
        <source>New customer: this plate has not been here before.</source>
        <translation>Neuer Kunde: Dieses Kennzeichen war noch nicht hier.</translation>
    </message>
    <message numerus="yes">
        <source>Known customer: %1 — %n completed visit(s)</source>
        <translation>
            <numerusform>Bekannter Kunde: %1 — %n abgeschlossener Besuch</numerusform>
            <numerusform>Bekannter Kunde: %1 — %n abgeschlossene Besuche</numerusform>
        </translation>
    </message>
    <message>
        <source>Looking up the plate…</source>
        <translation>Kennzeichen wird nachgeschlagen…</translation>
    </message>
    <message>
        <source>There is no free time to book for this wash.</source>
        <translation>Für diese Wäsche gibt es keine freie Zeit zum Buchen.</translation>
    </message>
    <message>
        <source>The booking was not saved. %1</source>
        <translation>Die Buchung wurde nicht gespeichert. %1</translation>
    </message>
    <message>
        <source>That time was just taken. The next free time is shown above; press Enter to book it.</source>
        <translation>Diese Zeit wurde gerade belegt. Oben steht die nächste freie Zeit; drücken Sie Eingabe, um sie zu buchen.</translation>
    </message>
    <message>
        <source>That time was just taken. Looking for the next free time…</source>
        <translation>Diese Zeit wurde gerade belegt. Die nächste freie Zeit wird gesucht…</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>%1, %2 + %3</source>
        <translation>%1, %2 + %3</translation>
    </message>
    <message>
        <source>%1 on %2, until %3
%4
%5 · %6
%7</source>
        <translation>%1 auf %2, bis %3
%4
%5 · %6
%7</translation>
    </message>
    <message>
        <source>Booked, code %1. %2</source>
        <translation>Gebucht, Code %1. %2</translation>
    </message>
    <message>
        <source>Booked for %1 on %2</source>
        <translation>Gebucht für %1, %2</translation>
    </message>
    <message>
        <source>Total %1</source>
        <translation>Gesamt %1</translation>
    </message>
    <message>
        <source>Booking…</source>
        <translation>Wird gebucht…</translation>
    </message>
    <message>
        <source>Wash (Alt+1–9)</source>
        <translation>Wäsche (Alt+1–9)</translation>
    </message>
    <message>
        <source>Type the plate at once. Choose a wash with Alt+1 to Alt+9, or go to the washes with Shift+Tab and choose with the arrow keys.</source>
        <translation>Tippen Sie gleich das Kennzeichen. Wählen Sie eine Wäsche mit Alt+1 bis Alt+9, oder gehen Sie mit Umschalt+Tab zu den Wäschen und wählen Sie mit den Pfeiltasten.</translation>
    </message>
    <message>
        <source>Choose a wash first (Alt+1 to Alt+9).</source>
        <translation>Wählen Sie zuerst eine Wäsche (Alt+1 bis Alt+9).</translation>
    </message>
</context>
<context>
    <name>WashScreen</name>
    <message>
        <source>Choose your wash</source>
        <translation>Wählen Sie Ihre Wäsche</translation>
    </message>
    <message>
        <source>Choosing a wash: %1, %2</source>
        <translation>Wäschewahl: %1, %2</translation>
    </message>
    <message>
        <source>Choosing a wash</source>
        <translation>Wäschewahl</translation>
    </message>
    <message>
        <source>+ %1
%2</source>
        <translation>+ %1
%2</translation>
    </message>
    <message>
        <source>Add %1, %2</source>
        <translation>%1 hinzufügen, %2</translation>
    </message>
    <message>
        <source>Chosen</source>
        <translation>Gewählt</translation>
    </message>
    <message>
        <source>Prices for this vehicle size</source>
        <translation>Preise für diese Fahrzeuggröße</translation>
    </message>
    <message>
        <source>not for this vehicle</source>
        <translation>nicht für dieses Fahrzeug</translation>
    </message>
    <message>
        <source>%1
%2 · %3 min</source>
        <translation>%1
%2 · %3 Min.</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Add extras (optional):</source>
        <translation>Extras hinzufügen (optional):</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>Not added</source>
        <translation>Nicht hinzugefügt</translation>
    </message>
    <message>
        <source>Continue · %1</source>
        <translation>Weiter · %1</translation>
    </message>
    <message>
        <source>Choose a wash above</source>
        <translation>Wählen Sie oben eine Wäsche</translation>
    </message>
    <message>
        <source>Continue with %1, %2</source>
        <translation>Weiter mit %1, %2</translation>
    </message>
</context>
<context>
    <name>WebhookHandler</name>
    <message>
        <source>The request body is larger than %1 bytes.</source>
        <translation>Der Inhalt der Anfrage ist größer als %1 Bytes.</translation>
    </message>
    <message>
        <source>This server has no webhook signing secret (STRIPE_WEBHOOK_SECRET), so it cannot check Stripe&apos;s events yet.</source>
        <translation>Dieser Server hat kein Webhook-Signaturgeheimnis (STRIPE_WEBHOOK_SECRET) und kann Stripes Ereignisse daher noch nicht prüfen.</translation>
    </message>
    <message>
        <source>The Stripe-Signature header is missing, does not match or is too old.</source>
        <translation>Die Kopfzeile Stripe-Signature fehlt, passt nicht oder ist zu alt.</translation>
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
        <source>Run as the locked, full-screen self-service kiosk.</source>
        <translation>Als gesperrter Selbstbedienungskiosk im Vollbild laufen.</translation>
    </message>
    <message>
        <source>The kiosk&apos;s name as managers set it up (default: this computer&apos;s name).</source>
        <translation>Der Name des Kiosks, wie Manager ihn einrichten (Standard: der Name dieses Computers).</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>--kiosk-name is for --kiosk only.</source>
        <translation>--kiosk-name gilt nur mit --kiosk.</translation>
    </message>
    <message>
        <source>Print the version of CarWash Desk and exit.</source>
        <translation>Die Version von CarWash Desk ausgeben und beenden.</translation>
    </message>
</context>
</TS>
