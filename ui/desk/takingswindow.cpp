#include "ui/desk/takingswindow.h"

#include "db/calendar/settingsrepo.h"
#include "db/payments/takingsrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"

#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTextDocument>
#include <QVBoxLayout>

namespace {

const QString LoadSource = QStringLiteral("takings");

struct Row
{
    QString method;
    MethodTakings takings;
};

QList<QPair<QString, QList<Row>>> rowsOf(const DayTakings &day)
{
    QList<QPair<QString, QList<Row>>> out;
    for (const CurrencyTakings &c : day.currencies) {
        out.append({c.currency,
                    {{TakingsWindow::tr("Cash"), c.cash},
                     {TakingsWindow::tr("Card"), c.card},
                     {TakingsWindow::tr("Total"), c.total()}}});
    }
    return out;
}

QStringList headers()
{
    return {TakingsWindow::tr("Currency"), TakingsWindow::tr("Method"),    TakingsWindow::tr("Payments"),
            TakingsWindow::tr("Taken"),    TakingsWindow::tr("Tax in it"), TakingsWindow::tr("Refunds"),
            TakingsWindow::tr("Refunded"), TakingsWindow::tr("Net")};
}

QStringList cells(const QString &currency, const Row &row)
{
    const QLocale locale = DisplayLocale::get();
    const MethodTakings &m = row.takings;
    return {currency,
            row.method,
            locale.toString(m.payments),
            Money::format(m.takenCents, currency),
            Money::format(m.taxCents, currency),
            locale.toString(m.refunds),
            Money::format(m.refundedCents, currency),
            Money::format(m.netCents(), currency)};
}

} // namespace

TakingsWindow::TakingsWindow(ConnectionPool &pool, const QDate &today, QWidget *parent)
    : QDialog(parent)
    , m_pool(pool)
{
    setObjectName(QStringLiteral("takingsWindow"));
    setWindowTitle(tr("Takings"));
    m_banner = new ErrorBanner(this);

    m_date = new QDateEdit(this);
    m_date->setObjectName(QStringLiteral("takingsDate"));
    m_date->setAccessibleName(tr("Day"));
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(DisplayLocale::get().dateFormat(QLocale::ShortFormat));
    if (today.isValid())
        m_date->setDate(today);
    auto *dateLabel = new QLabel(tr("&Day:"), this);
    dateLabel->setBuddy(m_date);
    connect(m_date, &QDateEdit::dateChanged, this, [this](const QDate &d) { load(d); });

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("takingsTitle"));
    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    m_title->setFont(titleFont);

    m_table = new QTableWidget(0, int(headers().size()), this);
    m_table->setObjectName(QStringLiteral("takingsTable"));
    m_table->setAccessibleName(tr("Takings by method"));
    m_table->setHorizontalHeaderLabels(headers());
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("takingsMessage"));
    m_message->setWordWrap(true);
    m_busy = new BusyIndicator(this);

    m_print = new QPushButton(tr("&Print…"), this);
    m_print->setObjectName(QStringLiteral("takingsPrint"));
    m_print->setAutoDefault(false);
    connect(m_print, &QPushButton::clicked, this, &TakingsWindow::askAndPrint);
    m_csv = new QPushButton(tr("Save &CSV…"), this);
    m_csv->setObjectName(QStringLiteral("takingsSaveCsv"));
    m_csv->setAutoDefault(false);
    connect(m_csv, &QPushButton::clicked, this, &TakingsWindow::askAndSaveCsv);
    auto *refresh = new QPushButton(tr("Re&fresh"), this);
    refresh->setObjectName(QStringLiteral("takingsRefresh"));
    refresh->setAutoDefault(false);
    connect(refresh, &QPushButton::clicked, this, [this] { load(date()); });
    auto *refreshKey = new QShortcut(QKeySequence::Refresh, this);
    connect(refreshKey, &QShortcut::activated, this, [this] { load(date()); });
    auto *close = new QPushButton(tr("C&lose"), this);
    close->setObjectName(QStringLiteral("takingsClose"));
    close->setAutoDefault(false);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    auto *top = new QHBoxLayout;
    top->addWidget(dateLabel);
    top->addWidget(m_date);
    top->addStretch(1);
    top->addWidget(refresh);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_busy);
    bottom->addWidget(m_message, 1);
    bottom->addWidget(m_print);
    bottom->addWidget(m_csv);
    bottom->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addWidget(m_title);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);
    resize(fontMetrics().averageCharWidth() * 110, fontMetrics().height() * 20);
    m_date->setFocus();
    load(today);
}

QDate TakingsWindow::date() const
{
    return m_takings ? m_takings->date : m_date->date();
}

QString TakingsWindow::messageText() const
{
    return m_message->text();
}

void TakingsWindow::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
}

void TakingsWindow::load(const QDate &date)
{
    const quint64 serial = ++m_serial;
    m_loading = true;
    m_print->setEnabled(false);
    m_csv->setEnabled(false);
    m_busy->start(tr("Adding up the day…"));
    auto read
        = m_pool.withRetry(QStringLiteral("takings.day"), RetryPolicy::standard(), [date](QSqlDatabase &db) {
              QDate day = date;
              if (!day.isValid()) // the site's today, in its own zone
                  day = QDateTime::currentDateTimeUtc().toTimeZone(SettingsRepo(db).load().timeZone).date();
              return TakingsRepo(db).forDay(day);
          });
    Async::onResult(read, this, [this, serial, date](const DbResult<DayTakings> &result) {
        if (serial != m_serial)
            return; // another day was chosen meanwhile
        m_loading = false;
        m_busy->stop();
        if (!result.ok()) {
            m_takings.reset();
            m_table->setRowCount(0);
            m_banner->showMessage(LoadSource,
                                  tr("The takings could not be loaded. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this, date] { load(date); });
            Q_EMIT loaded(false);
            return;
        }
        m_banner->clear(LoadSource);
        display(result.value());
        Q_EMIT loaded(true);
    });
}

void TakingsWindow::display(const DayTakings &day)
{
    m_takings = day;
    if (m_date->date() != day.date) {
        const QSignalBlocker quiet(m_date);
        m_date->setDate(day.date);
    }
    const QLocale locale = DisplayLocale::get();
    m_title->setText(
        tr("%1 — takings on %2").arg(day.siteName, locale.toString(day.date, QLocale::LongFormat)));
    setWindowTitle(tr("Takings — %1").arg(locale.toString(day.date, QLocale::ShortFormat)));
    m_table->setRowCount(0);
    for (const auto &[currency, rows] : rowsOf(day)) {
        for (const Row &row : rows) {
            const int r = m_table->rowCount();
            m_table->insertRow(r);
            const QStringList texts = cells(currency, row);
            for (int c = 0; c < texts.size(); ++c) {
                auto *item = new QTableWidgetItem(texts.at(c));
                if (c >= 2)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                if (row.method == tr("Total")) {
                    QFont bold = item->font();
                    bold.setBold(true);
                    item->setFont(bold);
                }
                m_table->setItem(r, c, item);
            }
        }
    }
    showMessage(tr("From %1 to %2 (%3).")
                    .arg(locale.toString(day.from, QLocale::ShortFormat),
                         locale.toString(day.to, QLocale::ShortFormat), QString::fromUtf8(day.timeZone.id())),
                false);
    m_print->setEnabled(true);
    m_csv->setEnabled(true);
}

QString TakingsWindow::documentHtml() const
{
    if (!m_takings)
        return {};
    const QLocale locale = DisplayLocale::get();
    QString html
        = QStringLiteral("<h2>%1</h2><p>%2</p><table border=\"1\" cellspacing=\"0\" cellpadding=\"4\"><tr>")
              .arg(m_takings->siteName.toHtmlEscaped(),
                   tr("Takings on %1")
                       .arg(locale.toString(m_takings->date, QLocale::LongFormat))
                       .toHtmlEscaped());
    for (const QString &h : headers())
        html += QStringLiteral("<th>%1</th>").arg(h.toHtmlEscaped());
    html += QStringLiteral("</tr>");
    for (const auto &[currency, rows] : rowsOf(*m_takings)) {
        for (const Row &row : rows) {
            html += QStringLiteral("<tr>");
            const QStringList texts = cells(currency, row);
            for (int c = 0; c < texts.size(); ++c)
                html += QStringLiteral("<td%1>%2</td>")
                            .arg(c >= 2 ? QStringLiteral(" align=\"right\"") : QString(),
                                 texts.at(c).toHtmlEscaped());
            html += QStringLiteral("</tr>");
        }
    }
    html += QStringLiteral("</table>");
    return html;
}

bool TakingsWindow::print(QPrinter *printer) const
{
    if (!m_takings)
        return false;
    QTextDocument document;
    document.setHtml(documentHtml());
    document.print(printer);
    return true;
}

void TakingsWindow::askAndPrint()
{
    if (!m_takings)
        return;
    auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
    printer->setDocName(windowTitle());
    auto *dialog = new QPrintDialog(printer.get(), this);
    dialog->setObjectName(QStringLiteral("takingsPrintDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The connection keeps the printer alive as long as the dialog.
    connect(dialog, &QDialog::accepted, this, [this, printer] {
        print(printer.get());
        showMessage(tr("Takings sent to %1.")
                        .arg(printer->outputFileName().isEmpty() ? printer->printerName()
                                                                 : printer->outputFileName()),
                    false);
    });
    dialog->open();
}

bool TakingsWindow::saveCsv(const QString &path, QString *error) const
{
    if (!m_takings)
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_takings->toCsv().toUtf8()) < 0 || !file.commit()) {
        if (error)
            *error
                = tr("%1 could not be written: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

void TakingsWindow::askAndSaveCsv()
{
    if (!m_takings)
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save takings as CSV"),
        QDir(folder).filePath(tr("takings-%1.csv").arg(m_takings->date.toString(Qt::ISODate))),
        tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (saveCsv(path, &error))
        showMessage(tr("Takings saved as %1.").arg(QDir::toNativeSeparators(path)), false);
    else
        showMessage(error, true);
}
