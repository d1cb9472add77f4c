<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AddonsPage</name>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AdminCli</name>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n extra min</source>
        <translation>
            <numerusform>%n extra min</numerusform>
            <numerusform>%n extra min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n completed visit(s)</source>
        <translation>
            <numerusform>%n completed visit</numerusform>
            <numerusform>%n completed visits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n demo booking(s) made for %1.</source>
        <translation>
            <numerusform>%n demo booking made for %1.</numerusform>
            <numerusform>%n demo bookings made for %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n payment(s)</source>
        <translation>
            <numerusform>%n payment</numerusform>
            <numerusform>%n payments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n refund(s)</source>
        <translation>
            <numerusform>%n refund</numerusform>
            <numerusform>%n refunds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The database %1 holds %n booking(s); restoring replaces everything in it.</source>
        <translation>
            <numerusform>The database %1 holds %n booking; restoring replaces everything in it.</numerusform>
            <numerusform>The database %1 holds %n bookings; restoring replaces everything in it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The database %1 holds %n booking(s); nothing was changed. To replace it with the backup, run again with --replace.</source>
        <translation>
            <numerusform>The database %1 holds %n booking; nothing was changed. To replace it with the backup, run again with --replace.</numerusform>
            <numerusform>The database %1 holds %n bookings; nothing was changed. To replace it with the backup, run again with --replace.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ApiAnswers</name>
    <message numerus="yes">
        <source>%n field(s) need attention.</source>
        <translation>
            <numerusform>%n field needs attention.</numerusform>
            <numerusform>%n fields need attention.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BackupAlert</name>
    <message numerus="yes">
        <source>The last backup of this computer&apos;s database was made on %1, more than %n day(s) ago.</source>
        <translation>
            <numerusform>The last backup of this computer&apos;s database was made on %1, more than %n day ago.</numerusform>
            <numerusform>The last backup of this computer&apos;s database was made on %1, more than %n days ago.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BackupsDialog</name>
    <message numerus="yes">
        <source>%n day(s); change it in Site set-up</source>
        <translation>
            <numerusform>%n day; change it in Site set-up</numerusform>
            <numerusform>%n days; change it in Site set-up</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BookingApi</name>
    <message numerus="yes">
        <source>Too many bookings and changes from your address; please wait %n second(s).</source>
        <translation>
            <numerusform>Too many bookings and changes from your address; please wait %n second.</numerusform>
            <numerusform>Too many bookings and changes from your address; please wait %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BookingOutcome</name>
    <message numerus="yes">
        <source>The booking was refused: %n field(s) need attention.</source>
        <translation>
            <numerusform>The booking was refused: %n field needs attention.</numerusform>
            <numerusform>The booking was refused: %n fields need attention.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CatalogRepo</name>
    <message numerus="yes">
        <source>%1 takes no new bookings; %n upcoming booking(s) already on it stay there.</source>
        <translation>
            <numerusform>%1 takes no new bookings; %n upcoming booking already on it stays there.</numerusform>
            <numerusform>%1 takes no new bookings; %n upcoming bookings already on it stay there.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 was deactivated, not deleted: %n booking(s) refer to it and keep their history. It is no longer offered.</source>
        <translation>
            <numerusform>%1 was deactivated, not deleted: %n booking refers to it and keeps its history. It is no longer offered.</numerusform>
            <numerusform>%1 was deactivated, not deleted: %n bookings refer to it and keep their history. It is no longer offered.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CatalogueEditorPage</name>
    <message numerus="yes">
        <source>%1 is on %n booking(s), so it will be deactivated rather than deleted: it is no longer offered, and those bookings keep it. Go ahead?</source>
        <translation>
            <numerusform>%1 is on %n booking, so it will be deactivated rather than deleted: it is no longer offered, and that booking keeps it. Go ahead?</numerusform>
            <numerusform>%1 is on %n bookings, so it will be deactivated rather than deleted: it is no longer offered, and those bookings keep it. Go ahead?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CustomerChanges</name>
    <message numerus="yes">
        <source>A booking can be changed online until %n minute(s) before its start; please call or visit the car wash.</source>
        <translation>
            <numerusform>A booking can be changed online until %n minute before its start; please call or visit the car wash.</numerusform>
            <numerusform>A booking can be changed online until %n minutes before its start; please call or visit the car wash.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiagnosticsWindow</name>
    <message numerus="yes">
        <source>The light stays red until the signal has been healthy for %n second(s).</source>
        <translation>
            <numerusform>The light stays red until the signal has been healthy for %n second.</numerusform>
            <numerusform>The light stays red until the signal has been healthy for %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FindDialog</name>
    <message numerus="yes">
        <source>Type at least %n character(s): a plate, a phone number, a name or a confirmation code.</source>
        <translation>
            <numerusform>Type at least %n character: a plate, a phone number, a name or a confirmation code.</numerusform>
            <numerusform>Type at least %n characters: a plate, a phone number, a name or a confirmation code.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s) found. Up and Down choose, Enter opens.</source>
        <translation>
            <numerusform>%n booking found. Up and Down choose, Enter opens.</numerusform>
            <numerusform>%n bookings found. Up and Down choose, Enter opens.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KeychainRequest</name>
    <message numerus="yes">
        <source>The keychain did not answer within %n second(s). It may be locked and waiting for a password prompt that nobody can see.</source>
        <translation>
            <numerusform>The keychain did not answer within %n second. It may be locked and waiting for a password prompt that nobody can see.</numerusform>
            <numerusform>The keychain did not answer within %n seconds. It may be locked and waiting for a password prompt that nobody can see.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KioskIdleOverlay</name>
    <message numerus="yes">
        <source>The screen starts over in %n second(s).</source>
        <translation>
            <numerusform>The screen starts over in %n second.</numerusform>
            <numerusform>The screen starts over in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KioskText</name>
    <message numerus="yes">
        <source>Now, %1, ready in %n min</source>
        <translation>
            <numerusform>Now, %1, ready in %n min</numerusform>
            <numerusform>Now, %1, ready in %n min</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ManagerPinOverlay</name>
    <message numerus="yes">
        <source>PIN, %n digit(s) typed</source>
        <translation>
            <numerusform>PIN, %n digit typed</numerusform>
            <numerusform>PIN, %n digits typed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MergedErrorsModel</name>
    <message numerus="yes">
        <source>%n time(s), first at %1, last at %2</source>
        <translation>
            <numerusform>%n time, first at %1, last at %2</numerusform>
            <numerusform>%n times, first at %1, last at %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OpeningHoursPage</name>
    <message numerus="yes">
        <source>Saved (%n day(s) changed).</source>
        <translation>
            <numerusform>Saved (%n day changed).</numerusform>
            <numerusform>Saved (%n days changed).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PinCheck</name>
    <message numerus="yes">
        <source>That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.</source>
        <translation>
            <numerusform>That PIN is not right. %n more wrong PIN and %1 is locked for %2 minutes.</numerusform>
            <numerusform>That PIN is not right. %n more wrong PINs and %1 is locked for %2 minutes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReadyFirstRunPage</name>
    <message numerus="yes">
        <source>Open %n day(s) a week</source>
        <translation>
            <numerusform>Open %n day a week</numerusform>
            <numerusform>Open %n days a week</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Wash menu: %n wash(es) of your own</source>
        <translation>
            <numerusform>Wash menu: %n wash of your own</numerusform>
            <numerusform>Wash menu: %n washes of your own</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n bay(s)</source>
        <translation>
            <numerusform>%n bay</numerusform>
            <numerusform>%n bays</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SaveOutcome</name>
    <message numerus="yes">
        <source>Nothing was saved: %n field(s) need attention.</source>
        <translation>
            <numerusform>Nothing was saved: %n field needs attention.</numerusform>
            <numerusform>Nothing was saved: %n fields need attention.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServicesPage</name>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SiteSettingsPage</name>
    <message numerus="yes">
        <source>Saved (%n setting(s) changed).</source>
        <translation>
            <numerusform>Saved (%n setting changed).</numerusform>
            <numerusform>Saved (%n settings changed).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SlotPlanner</name>
    <message numerus="yes">
        <source>%1 is too far ahead: bookings can be made up to %n day(s) ahead.</source>
        <translation>
            <numerusform>%1 is too far ahead: bookings can be made up to %n day ahead.</numerusform>
            <numerusform>%1 is too far ahead: bookings can be made up to %n days ahead.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is not a start time: starts are every %n minute(s) from the opening time.</source>
        <translation>
            <numerusform>%1 is not a start time: starts are every %n minute from the opening time.</numerusform>
            <numerusform>%1 is not a start time: starts are every %n minutes from the opening time.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is in the past or sooner than the minimum notice of %n minute(s).</source>
        <translation>
            <numerusform>%1 is in the past or sooner than the minimum notice of %n minute.</numerusform>
            <numerusform>%1 is in the past or sooner than the minimum notice of %n minutes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StripeSecrets</name>
    <message numerus="yes">
        <source>%n secret(s): %1</source>
        <translation>
            <numerusform>%n secret: %1</numerusform>
            <numerusform>%n secrets: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message numerus="yes">
        <source>in %n min</source>
        <translation>
            <numerusform>in %n min</numerusform>
            <numerusform>in %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Known customer: %1 — %n completed visit(s)</source>
        <translation>
            <numerusform>Known customer: %1 — %n completed visit</numerusform>
            <numerusform>Known customer: %1 — %n completed visits</numerusform>
        </translation>
    </message>
</context>
</TS>
