#pragma once

#include "db/payments/receipt.h"

#include <QCoreApplication>
#include <QImage>
#include <QList>
#include <QString>

class QPagedPaintDevice;
class QPrinter;

// A receipt laid out for an 80 mm roll: the business's name and address,
// the booking (code, time, bay, vehicle), the items with add-ons, subtotal,
// the tax line with its rate, the total, the payments with cash tendered and
// change, who served, and the confirmation code in large type with its QR
// code. Times in the site's zone, money in the display locale. The same
// lines make the PDF, the printout and toPlainText(), so what a test or a
// screen reader reads is what is printed. GUI thread (it paints).
class ReceiptDocument
{
    Q_DECLARE_TR_FUNCTIONS(ReceiptDocument)
public:
    static constexpr double PaperWidthMm = 80.0;
    static constexpr double MarginMm = 4.0;

    explicit ReceiptDocument(Receipt receipt);

    const Receipt &receipt() const { return m_receipt; }
    // The confirmation code's QR code, as drawn on the receipt.
    QImage qrImage() const;
    QString toPlainText() const;

    // A PDF of one roll-width page as long as the receipt; false with a
    // message in *error when the file cannot be written.
    bool writePdf(const QString &path, QString *error = nullptr) const;
    // Onto the printer as set up (any page size: the receipt keeps its roll
    // width at the top left, and goes on to the next page when long).
    bool print(QPrinter *printer, QString *error = nullptr) const;
    // Paints onto any paged device whose page is set up; how many pages it
    // took (0 when the device cannot be painted on).
    int render(QPagedPaintDevice *device) const;

    // One line of the receipt: a label and, for pairs, an amount on the right.
    struct Row
    {
        enum class Kind { Title, Centered, Pair, Strong, Rule, Space, Code, Qr };
        Kind kind = Kind::Centered;
        QString left;
        QString right;
    };
    QList<Row> rows() const;

private:
    // Height of the rows in millimetres on device, for the PDF's page length.
    double heightMm(QPagedPaintDevice *device) const;

    Receipt m_receipt;
};
