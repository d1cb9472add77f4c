#pragma once

#include <QFont>

class QScreen;

// Sizes for a touch screen people use in a hurry, from the screen's real
// size: a touch target at least 9 mm across on the glass and at least 44 px
// at 96 dpi (WCAG 2.5.5), gaps between targets, and text whose capital
// letters stand at least 3/16 in (4.76 mm) high (ADA 2010 §707.7.2 measures
// the uppercase "I", so this is the cap height, not the font's pixel size,
// which is the em square and always taller than a capital).
//
// Everything is in logical pixels, the unit widgets and style sheets use.
// Qt 6 gives a screen's geometry in logical pixels and its physical size in
// millimetres, so logical pixels per inch = logical width / (mm / 25.4);
// that is QScreen::physicalDotsPerInch(). At 150 % scale a 141 dpi panel
// shows 94 logical pixels per inch: the scale factor is already in it, and
// device pixels (logical × devicePixelRatio) never enter a widget's size.
// A plain value; build it on the GUI thread (it reads QScreen and fonts).
class KioskMetrics
{
public:
    static constexpr double MinimumTargetMm = 9.0;
    static constexpr int MinimumTargetPixelsAt96Dpi = 44;
    static constexpr double MinimumGapMm = 2.5;
    static constexpr int MinimumGapPixelsAt96Dpi = 12;
    static constexpr double MinimumCapHeightInches = 3.0 / 16;
    // A screen that does not report its size (some EDIDs, virtual screens)
    // is taken to be as dense as the densest kiosk panel we expect: sizes
    // then come out larger than needed, never smaller.
    static constexpr double AssumedLogicalDpiWhenUnknown = 160.0;

    // A panel whose EDID reports no size or a wrong one is given its real
    // density here: device pixels per inch, e.g. 141 for a 15.6" 1920x1080.
    static constexpr const char *PanelDpiVariable = "CARWASH_KIOSK_PANEL_DPI";

    // From a real screen (nullptr: the primary screen), or from
    // CARWASH_KIOSK_PANEL_DPI and the screen's scale when that is set.
    explicit KioskMetrics(const QScreen *screen);
    // From stated figures: device pixels per inch of the panel and the
    // scale the desktop runs at (1.5 at 150 %).
    static KioskMetrics fromPanel(double devicePixelsPerInch, double devicePixelRatio);

    double logicalDpi() const { return m_logicalDpi; }
    double devicePixelRatio() const { return m_devicePixelRatio; }

    // Logical pixels for a length on the glass.
    double pixelsForMm(double mm) const { return mm * m_logicalDpi / 25.4; }

    // The side of the smallest touch target.
    int targetPixels() const;
    // Space between two targets.
    int gapPixels() const;
    // The pixel size (QFont::setPixelSize, the em) of the body text, chosen
    // so the capitals of font's family are at least 3/16 in high.
    int textPixelSize(const QFont &font) const;
    // Headings: capitals 1.6 times the body's.
    int headingPixelSize(const QFont &font) const;
    // The cap height in logical pixels that text must reach.
    double minimumCapHeightPixels() const { return MinimumCapHeightInches * m_logicalDpi; }

private:
    KioskMetrics(double logicalDpi, double devicePixelRatio);
    int pixelSizeForCapHeight(const QFont &font, double capHeightPixels) const;

    double m_logicalDpi = 96;
    double m_devicePixelRatio = 1;
};
