#include "ui/kiosk/kioskmetrics.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QScreen>

#include <algorithm>
#include <cmath>

KioskMetrics::KioskMetrics(double logicalDpi, double devicePixelRatio)
    : m_logicalDpi(logicalDpi > 0 ? logicalDpi : AssumedLogicalDpiWhenUnknown)
    , m_devicePixelRatio(devicePixelRatio > 0 ? devicePixelRatio : 1)
{ }

KioskMetrics::KioskMetrics(const QScreen *screen)
{
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    if (!screen) {
        m_logicalDpi = AssumedLogicalDpiWhenUnknown;
        return;
    }
    m_devicePixelRatio = screen->devicePixelRatio() > 0 ? screen->devicePixelRatio() : 1;
    // Width and height each give a density; the larger one decides, so a
    // target is 9 mm in both directions.
    const QSizeF mm = screen->physicalSize();
    const QSize logical = screen->geometry().size();
    if (mm.width() > 1 && mm.height() > 1 && !logical.isEmpty()) {
        m_logicalDpi
            = std::max(logical.width() / (mm.width() / 25.4), logical.height() / (mm.height() / 25.4));
    } else {
        m_logicalDpi = AssumedLogicalDpiWhenUnknown;
    }
}

KioskMetrics KioskMetrics::fromPanel(double devicePixelsPerInch, double devicePixelRatio)
{
    const double ratio = devicePixelRatio > 0 ? devicePixelRatio : 1;
    return KioskMetrics(devicePixelsPerInch / ratio, ratio);
}

double KioskMetrics::panelDpi(int widthPixels, int heightPixels, double diagonalInches)
{
    return std::hypot(double(widthPixels), double(heightPixels)) / diagonalInches;
}

int KioskMetrics::targetPixels() const
{
    return std::max(MinimumTargetPixelsAt96Dpi, int(std::ceil(pixelsForMm(MinimumTargetMm))));
}

int KioskMetrics::gapPixels() const
{
    return std::max(MinimumGapPixelsAt96Dpi, int(std::ceil(pixelsForMm(MinimumGapMm))));
}

int KioskMetrics::pixelSizeForCapHeight(const QFont &font, double capHeightPixels) const
{
    // The family's own proportion of capital to em, measured large so
    // rounding does not matter, then the next whole pixel size checked:
    // hinting may shave a capital at small sizes.
    QFont probe(font);
    probe.setPixelSize(1000);
    const double capPerEm = QFontMetricsF(probe).capHeight() / 1000.0;
    int pixelSize = int(std::ceil(capHeightPixels / (capPerEm > 0.3 ? capPerEm : 0.6)));
    for (int tries = 0; tries < 8; ++tries, ++pixelSize) {
        probe.setPixelSize(pixelSize);
        if (QFontMetricsF(probe).capHeight() >= capHeightPixels)
            break;
    }
    return pixelSize;
}

int KioskMetrics::textPixelSize(const QFont &font) const
{
    return pixelSizeForCapHeight(font, minimumCapHeightPixels());
}

int KioskMetrics::headingPixelSize(const QFont &font) const
{
    return pixelSizeForCapHeight(font, 1.6 * minimumCapHeightPixels());
}
