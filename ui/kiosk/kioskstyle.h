#pragma once

#include <QColor>
#include <QFont>
#include <QList>
#include <QString>

class KioskMetrics;
class QWidget;

// The kiosk's look: black on white with blue and black buttons, every text
// colour at 7:1 or more against its background (WCAG's formula) so it still
// reads with the sun on the glass; sans-serif at normal weight or bolder,
// never light; state never by colour alone (a chosen button has a thicker
// border, a disabled one a dashed border, an error says so in words).
// Sizes come from KioskMetrics for the window's screen. Widgets take a part
// by the dynamic property "kioskRole" set before they are shown:
//   QLabel: "heading", "error";   QPushButton: "primary" (the one thing to
//   do next), anything else is a plain white button;   QFrame: "panel".
class KioskStyle
{
public:
    static constexpr const char *RoleProperty = "kioskRole";

    // One rule of the sheet that gives text a colour on a background: the
    // sheet is made from these, and the contrast test reads them.
    struct ColourRule
    {
        QString selector;
        QColor text;
        QColor background;
        QString declarations; // borders and weights that carry the meaning
    };
    static QList<ColourRule> colourRules();

    // The font family every kiosk text uses (the first one installed of a
    // list of plain sans-serifs), at normal weight.
    static QFont font();
    static QString styleSheet(const KioskMetrics &metrics);
    // Styles window and everything in it for the screen it is on; again
    // after it moves to another screen.
    static void apply(QWidget *window);
};
