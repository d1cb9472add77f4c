#pragma once

#include <QImage>
#include <QList>
#include <QString>

// QR codes of short texts (confirmation codes, payment links) with
// libqrencode: error correction level M, the four-module quiet zone the
// standard asks for, square modules drawn without smoothing so a scanner
// reads every edge. Pure, any thread.
class QrCodeImage
{
public:
    // The symbol itself: width × width modules, row by row, true = dark.
    struct Symbol
    {
        int version = 0; // 1..40; 0 when encoding failed
        int width = 0;
        QList<bool> modules;

        bool isNull() const { return width == 0; }
        bool dark(int x, int y) const { return modules.at(qsizetype(y) * width + x); }
    };

    static constexpr int QuietZoneModules = 4;

    static Symbol encode(const QString &text);
    // Black on white, moduleSize pixels per module, with the quiet zone;
    // a null image when text cannot be encoded.
    static QImage render(const QString &text, int moduleSize = 8);
    static QImage render(const Symbol &symbol, int moduleSize = 8);
};
