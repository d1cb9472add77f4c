<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
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
    <name>SignInPage</name>
    <message numerus="yes">
        <source>That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.</source>
        <translation>
            <numerusform>That PIN is not right. %n more wrong PIN and %1 is locked for %2 minutes.</numerusform>
            <numerusform>That PIN is not right. %n more wrong PINs and %1 is locked for %2 minutes.</numerusform>
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
    <name>TodayPage</name>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
</context>
</TS>
