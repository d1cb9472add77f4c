// A booking's receipt, end to end: its QR code image with every module of
// the symbol, the receipt as PDF and printout with everything on it, and a
// receipt keeping the tax it was paid with when the settings change. Real
// window on the offscreen platform, real PostgreSQL with the demo seed;
// waits are bounded (QTRY_*), never timed.
#include "db/calendar/settingsrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/payments/taxamounts.h"
#include "db/text/money.h"
#include "tests/bookingdetailsfixture.h"
#include "qrcode/qrcodeimage.h"
#include "ui/common/receiptdocument.h"
#include "ui/desk/bookingdetailsdialog.h"
#include "ui/desk/receiptactions.h"

#include <QFile>
#include <QLabel>
#include <QPrinter>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace DeskTest;

class TestBookingDetailsReceipts : public QObject, protected BookingDetailsFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();

    // Rules without a database.
    void qrCodeImageHasEveryModuleOfTheSymbol();

    // The desk.
    void receiptPdfAndPrintoutHaveEverything();
    void aReceiptKeepsTheTaxItWasPaidWith();
};

void TestBookingDetailsReceipts::initTestCase()
{
    startSite(QStringLiteral("tst_bookingdetails_receipts"));
}

void TestBookingDetailsReceipts::init()
{
    showDesk();
}

void TestBookingDetailsReceipts::cleanup()
{
    closeDesk();
}

// --- rules ------------------------------------------------------------------

void TestBookingDetailsReceipts::qrCodeImageHasEveryModuleOfTheSymbol()
{
    const QrCodeImage::Symbol symbol = QrCodeImage::encode(QStringLiteral("K7Q2XZ"));
    // Six characters fit version 1 (21 × 21) at level M.
    QCOMPARE(symbol.version, 1);
    QCOMPARE(symbol.width, 21);
    // The finder pattern's corners are dark, its inner ring light.
    QVERIFY(symbol.dark(0, 0) && symbol.dark(6, 6) && !symbol.dark(1, 1) && symbol.dark(3, 3));
    const int module = 5;
    const QImage image = QrCodeImage::render(symbol, module);
    const int side = (21 + 2 * QrCodeImage::QuietZoneModules) * module;
    QCOMPARE(image.size(), QSize(side, side));
    for (int y = 0; y < side; ++y) {
        for (int x = 0; x < side; ++x) {
            const int mx = x / module - QrCodeImage::QuietZoneModules;
            const int my = y / module - QrCodeImage::QuietZoneModules;
            const bool inside = mx >= 0 && my >= 0 && mx < 21 && my < 21;
            const bool dark = inside && symbol.dark(mx, my);
            // Crisp: every pixel pure black or pure white.
            QCOMPARE(qGray(image.pixel(x, y)), dark ? 0 : 255);
        }
    }
    QVERIFY(QrCodeImage::encode(QString()).isNull());
}

// --- the desk ------------------------------------------------------------

void TestBookingDetailsReceipts::receiptPdfAndPrintoutHaveEverything()
{
    const qint64 id = book({});
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    const qint64 given = price + 550;
    auto cash = await(m_pool->withConnection(QStringLiteral("cash"), [id, given](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, given, QStringLiteral("staff:1"));
    }));
    QVERIFY2(cash.ok(), describe(cash).constData());

    auto loaded = await(m_pool->withConnection(
        QStringLiteral("receipt"), [id](QSqlDatabase &db) { return PaymentRepo(db).receipt(id); }));
    QVERIFY2(loaded.ok(), describe(loaded).constData());
    const Receipt &r = loaded.value();
    QCOMPARE(r.siteName, QStringLiteral("Sparkle Auto Spa"));
    QCOMPARE(r.siteAddress, Address);
    QCOMPARE(r.itemsCents(), price);
    QCOMPARE(r.amounts.totalCents, price);
    QCOMPARE(r.taxRateBasisPoints, 825);
    QCOMPARE(r.dueCents(), qint64(0));
    QCOMPARE(r.addons.size(), 1);
    QVERIFY(!r.servedBy.isEmpty());
    const QString addonName
        = sql(QStringLiteral("SELECT name FROM addons WHERE id = %1").arg(m_addon)).toString();
    const QString serviceName
        = sql(QStringLiteral("SELECT name FROM services WHERE id = %1").arg(m_service)).toString();

    const ReceiptDocument document(r);
    const QString text = document.toPlainText();
    const QString usd = QStringLiteral("USD");
    const TaxAmounts tax = TaxAmounts::compute(price, 825, true);
    for (const QString &expected :
         {QStringLiteral("Sparkle Auto Spa"), QStringLiteral("12 Harbour Road"),
          QStringLiteral("Springfield 4021"), serviceName, QStringLiteral("+ %1").arg(addonName),
          QStringLiteral("SUV"), r.plate, QStringLiteral("Included tax (8.25 %)"),
          Money::format(tax.taxCents, usd), QStringLiteral("Total"), Money::format(price, usd),
          QStringLiteral("Paid: Cash"), QStringLiteral("Tendered"), Money::format(given, usd),
          QStringLiteral("Change"), Money::format(550, usd), r.code,
          QStringLiteral("[QR code: %1]").arg(r.code), r.servedBy}) {
        QVERIFY2(text.contains(expected),
                 qPrintable(QStringLiteral("%1 missing in:\n%2").arg(expected, text)));
    }
    // The QR code drawn is the code's symbol at one pixel per module.
    const QrCodeImage::Symbol symbol = QrCodeImage::encode(r.code);
    QCOMPARE(document.qrImage().width(), symbol.width + 2 * QrCodeImage::QuietZoneModules);

    // Through the dialog: Save PDF, and Print (to a PDF file, as a printer
    // the test machine has).
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QVERIFY(button(dialog, QStringLiteral("bookingSaveReceipt"))->isVisible());
    QTemporaryDir out;
    const QString pdfPath = out.filePath(QStringLiteral("receipt.pdf"));
    QSignalSpy done(dialog->receiptActions(), &ReceiptActions::finished);
    dialog->receiptActions()->savePdf(id, pdfPath);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kNoHangMs);
    QVERIFY2(done.first().first().toBool(), qPrintable(done.first().at(1).toString()));
    QVERIFY(dialog->messageText().contains(QStringLiteral("receipt.pdf")));

    auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
    printer->setOutputFormat(QPrinter::PdfFormat);
    const QString printedPath = out.filePath(QStringLiteral("printed.pdf"));
    printer->setOutputFileName(printedPath);
    dialog->receiptActions()->print(id, printer);
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, kNoHangMs);
    QVERIFY2(done.at(1).first().toBool(), qPrintable(done.at(1).at(1).toString()));

    for (const QString &path : {pdfPath, printedPath}) {
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("%PDF"));
        QVERIFY2(bytes.size() > 4000, QByteArray::number(bytes.size()).constData());
        // The QR code went in as an image.
        QVERIFY(bytes.contains("/Subtype /Image"));
    }
    // The PDF is one roll-width page: 80 mm is 226.77 pt.
    QFile file(pdfPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString pdf = QString::fromLatin1(file.readAll());
    static const QRegularExpression mediaBox(
        QStringLiteral("/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)"));
    const QRegularExpressionMatch box = mediaBox.match(pdf);
    QVERIFY2(box.hasMatch(), qPrintable(pdf.left(600)));
    QVERIFY2(qAbs(box.captured(1).toDouble() - 226.77) < 1.0, qPrintable(box.captured(0)));
    QVERIFY(box.captured(2).toDouble() > box.captured(1).toDouble()); // a roll: longer than wide
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?!s)"));
    QCOMPARE(pdf.count(page), qsizetype(1));
}

void TestBookingDetailsReceipts::aReceiptKeepsTheTaxItWasPaidWith()
{
    // Paid when the tax was 8.25 % on top of the prices.
    sql(QStringLiteral("UPDATE site_settings SET value = 'false' WHERE key = 'billing.prices_include_tax'"));
    const qint64 id = book({});
    QVERIFY(id > 0);
    const qint64 price
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(id)).toLongLong();
    const TaxAmounts owed = TaxAmounts::compute(price, 825, false);
    auto paid = await(m_pool->withConnection(QStringLiteral("cash"), [id, owed](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, owed.totalCents, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paid.ok(), describe(paid).constData());
    QCOMPARE(paid->taxRateBasisPoints, 825);
    QCOMPARE(paid->pricesIncludeTax, false);
    QCOMPARE(paid->charged.taxCents, owed.taxCents);
    // The payment row keeps the charge; its audit row says the tax too.
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws(' ', tax_rate_basis_points, prices_include_tax::text, "
                                "net_cents, tax_cents, gross_cents, amount_cents, currency) "
                                "FROM payments WHERE booking_id = %1")
                     .arg(id))
                 .toString(),
             QStringLiteral("825 false %1 %2 %3 %3 USD").arg(price).arg(owed.taxCents).arg(owed.totalCents));
    QCOMPARE(sql(QStringLiteral("SELECT details->>'tax_cents' FROM audit_log WHERE entity_id = '%1' "
                                "AND action = 'payment.cash'")
                     .arg(id))
                 .toLongLong(),
             owed.taxCents);

    // Then the manager changes the tax: 20 %, included in the prices.
    auto changed = await(m_pool->withConnection(QStringLiteral("settings"), [](QSqlDatabase &db) {
        return SettingsRepo(db).setMany(
            {{QStringLiteral("billing.tax_rate_percent"), QStringLiteral("20")},
             {QStringLiteral("billing.prices_include_tax"), QStringLiteral("true")}},
            QStringLiteral("staff:1"));
    }));
    QVERIFY2(changed.ok(), describe(changed).constData());

    // The receipt, reprinted, shows what the customer paid.
    const QString usd = QStringLiteral("USD");
    auto receipt = await(m_pool->withConnection(
        QStringLiteral("receipt"), [id](QSqlDatabase &db) { return PaymentRepo(db).receipt(id); }));
    QVERIFY2(receipt.ok(), describe(receipt).constData());
    QVERIFY(receipt->chargeRecorded);
    QCOMPARE(receipt->taxRateBasisPoints, 825);
    QCOMPARE(receipt->pricesIncludeTax, false);
    QCOMPARE(receipt->amounts.netCents, price);
    QCOMPARE(receipt->amounts.taxCents, owed.taxCents);
    QCOMPARE(receipt->amounts.totalCents, owed.totalCents);
    QCOMPARE(receipt->dueCents(), qint64(0));
    const QString text = ReceiptDocument(receipt.value()).toPlainText();
    for (const QString &expected :
         {QStringLiteral("Subtotal"), Money::format(price, usd), QStringLiteral("Tax (8.25 %)"),
          Money::format(owed.taxCents, usd), Money::format(owed.totalCents, usd)}) {
        QVERIFY2(text.contains(expected),
                 qPrintable(QStringLiteral("%1 missing in:\n%2").arg(expected, text)));
    }
    QVERIFY2(!text.contains(QStringLiteral("20 %")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("Amount due")), qPrintable(text));

    // So does the booking screen.
    QVERIFY(m_site.signIn(*m_window, QStringLiteral("Sam Rivera")));
    BookingDetailsDialog *dialog = openLoaded(id);
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("bookingField_price"))->text(),
             QStringLiteral("%1 + 8.25 % tax %2 = %3")
                 .arg(Money::format(price, usd), Money::format(owed.taxCents, usd),
                      Money::format(owed.totalCents, usd)));
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("bookingField_payment"))->text(),
             QStringLiteral("Paid"));
    QVERIFY(!button(dialog, QStringLiteral("bookingTakeCash"))->isVisible());
    dialog->close();

    // A booking not yet paid is owed under the settings now: 20 % included.
    const qint64 next = book({});
    QVERIFY(next > 0);
    const qint64 nextPrice
        = sql(QStringLiteral("SELECT price_cents FROM bookings WHERE id = %1").arg(next)).toLongLong();
    const TaxAmounts nowOwed = TaxAmounts::compute(nextPrice, 2000, true);
    auto details = await(m_pool->withConnection(
        QStringLiteral("details"), [next](QSqlDatabase &db) { return PaymentRepo(db).details(next); }));
    QVERIFY2(details.ok(), describe(details).constData());
    QVERIFY(!details->chargeRecorded);
    QCOMPARE(details->taxRateBasisPoints, 2000);
    QCOMPARE(details->pricesIncludeTax, true);
    QCOMPARE(details->amounts.taxCents, nowOwed.taxCents);
    QCOMPARE(details->dueCents(), nextPrice);
    auto unpaidReceipt = await(m_pool->withConnection(
        QStringLiteral("receipt"), [next](QSqlDatabase &db) { return PaymentRepo(db).receipt(next); }));
    QVERIFY2(unpaidReceipt.ok(), describe(unpaidReceipt).constData());
    const QString unpaidText = ReceiptDocument(unpaidReceipt.value()).toPlainText();
    QVERIFY2(unpaidText.contains(QStringLiteral("Included tax (20 %)")), qPrintable(unpaidText));
    QVERIFY2(unpaidText.contains(QStringLiteral("Amount due")), qPrintable(unpaidText));
    BookingDetailsDialog *nextDialog = openLoaded(next);
    QVERIFY(nextDialog);
    QCOMPARE(nextDialog->findChild<QLabel *>(QStringLiteral("bookingField_price"))->text(),
             QStringLiteral("%1 (includes 20 % tax: %2)")
                 .arg(Money::format(nextPrice, usd), Money::format(nowOwed.taxCents, usd)));

    // Paid now, it keeps 20 %; the first still says 8.25 %.
    auto paidNext = await(m_pool->withConnection(QStringLiteral("cash"), [next, nextPrice](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(next, nextPrice, QStringLiteral("staff:2"));
    }));
    QVERIFY2(paidNext.ok(), describe(paidNext).constData());
    QCOMPARE(paidNext->taxRateBasisPoints, 2000);
    QCOMPARE(paidNext->charged.taxCents, nowOwed.taxCents);
    auto again = await(m_pool->withConnection(
        QStringLiteral("receipt"), [id](QSqlDatabase &db) { return PaymentRepo(db).receipt(id); }));
    QVERIFY2(again.ok(), describe(again).constData());
    QCOMPARE(again->taxRateBasisPoints, 825);
    QCOMPARE(again->amounts.totalCents, owed.totalCents);
}

QTEST_MAIN(TestBookingDetailsReceipts)
#include "tst_bookingdetails_receipts.moc"
