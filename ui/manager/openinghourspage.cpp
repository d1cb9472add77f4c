#include "ui/manager/openinghourspage.h"

#include "db/calendar/calendarrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

OpeningHoursPage::OpeningHoursPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                                   QWidget *parent)
    : SiteSetupPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("openingHoursPage"));
    auto *intro = new QLabel(tr("Times are in the site's time zone. Separate ranges with commas for a break, "
                                "for example 08:00-12:00, 12:30-18:00; 24:00 closes at midnight."),
                             this);
    intro->setWordWrap(true);

    auto *grid = new QGridLayout;
    const QLocale locale = DisplayLocale::get();
    QWidget *previous = nullptr;
    for (int weekday = 1; weekday <= 7; ++weekday) {
        const QString day = locale.dayName(weekday, QLocale::LongFormat);
        auto *open = new QCheckBox(day, this);
        open->setObjectName(QStringLiteral("open_%1").arg(OpeningHours::weekdayName(weekday)));
        open->setAccessibleName(tr("%1 open").arg(day));
        auto *ranges = new QLineEdit(this);
        ranges->setObjectName(QStringLiteral("hours_%1").arg(OpeningHours::weekdayName(weekday)));
        ranges->setAccessibleName(tr("%1 opening hours").arg(day));
        ranges->setPlaceholderText(tr("08:00-18:00"));
        connect(open, &QCheckBox::toggled, ranges, &QLineEdit::setEnabled);
        m_open.append(open);
        m_ranges.append(ranges);
        const int row = (weekday - 1) * 2;
        grid->addWidget(open, row, 0);
        grid->addWidget(ranges, row, 1);
        grid->addWidget(fieldErrorLabel(fieldName(weekday)), row + 1, 1);
        if (previous)
            setTabOrder(previous, open);
        setTabOrder(open, ranges);
        previous = ranges;
    }
    grid->setColumnStretch(1, 1);

    m_save = new QPushButton(tr("&Save opening hours"), this);
    m_save->setObjectName(QStringLiteral("saveHours"));
    m_save->setAccessibleName(tr("Save the opening hours"));
    m_save->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, &OpeningHoursPage::save);
    m_revert = new QPushButton(tr("&Undo changes"), this);
    m_revert->setObjectName(QStringLiteral("revertHours"));
    m_revert->setAccessibleName(tr("Undo the changes not saved yet"));
    m_revert->setAutoDefault(false);
    connect(m_revert, &QPushButton::clicked, this, &OpeningHoursPage::reload);
    setTabOrder(previous, m_save);
    setTabOrder(m_save, m_revert);
    statusLabel()->setObjectName(QStringLiteral("hoursStatus"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_save);
    buttons->addWidget(m_revert);
    buttons->addStretch(1);
    buttons->addWidget(busyIndicator());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(grid);
    layout->addStretch(1);
    layout->addWidget(statusLabel());
    layout->addLayout(buttons);
    connect(this, &SiteSetupPage::busyChanged, this, [this](bool busy) {
        m_save->setEnabled(!busy);
        m_revert->setEnabled(!busy);
    });
}

QString OpeningHoursPage::fieldName(int weekday)
{
    return QStringLiteral("hours.") + OpeningHours::weekdayName(weekday);
}

void OpeningHoursPage::reload()
{
    const int request = nextRequest();
    startBusy(tr("Loading…"));
    auto hours = m_pool.withRetry(QStringLiteral("hours.list"), RetryPolicy::standard(),
                                  [](QSqlDatabase &db) { return CalendarRepo(db).hours(); });
    Async::onResult(hours, this, [this, request](const DbResult<QList<OpeningPeriod>> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        if (!result.ok()) {
            showFailure(tr("The opening hours could not be loaded."), result.error(), [this] { reload(); });
            return;
        }
        clearFailure();
        display(result.value());
        Q_EMIT loaded();
    });
}

void OpeningHoursPage::display(const QList<OpeningPeriod> &periods)
{
    clearFieldErrors();
    for (int weekday = 1; weekday <= 7; ++weekday) {
        QList<OpeningPeriod> day;
        for (const OpeningPeriod &p : periods) {
            if (p.weekday == weekday)
                day.append(p);
        }
        m_loaded.insert(weekday, OpeningHours::format(day));
        openBox(weekday)->setChecked(!day.isEmpty());
        rangesField(weekday)->setEnabled(!day.isEmpty());
        rangesField(weekday)->setText(
            day.isEmpty() ? QString() : OpeningHours::format(day).replace(u',', QStringLiteral(", ")));
    }
}

void OpeningHoursPage::save()
{
    if (isBusy())
        return;
    QMap<int, QList<OpeningPeriod>> edits;
    QList<FieldError> errors;
    for (int weekday = 1; weekday <= 7; ++weekday) {
        QString problem;
        const QString spec
            = openBox(weekday)->isChecked() ? rangesField(weekday)->text() : QStringLiteral("closed");
        const std::optional<QList<OpeningPeriod>> periods = OpeningHours::parse(weekday, spec, &problem);
        if (!periods) {
            errors.append({fieldName(weekday), problem});
            continue;
        }
        if (OpeningHours::format(*periods) != m_loaded.value(weekday))
            edits.insert(weekday, *periods);
    }
    if (!errors.isEmpty()) {
        showFieldErrors(errors);
        return;
    }
    clearFieldErrors();
    if (edits.isEmpty()) {
        showSaved(tr("No changes to save."));
        return;
    }
    const int request = nextRequest();
    startBusy(tr("Saving…"));
    const QString actor = m_manager.actor();
    auto saved
        = m_pool.withRetry(QStringLiteral("hours.set_week"), RetryPolicy::critical(),
                           [edits, actor](QSqlDatabase &db) { CalendarRepo(db).setWeek(edits, actor); });
    Async::onResult(saved, this, [this, request, count = edits.size()](const DbResult<Done> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        if (!result.ok()) {
            showFailure(tr("The opening hours were not saved."), result.error(), [this] { save(); });
            return;
        }
        clearFailure();
        showSaved(tr("Saved (%n day(s) changed).", nullptr, int(count)));
        Q_EMIT changed();
        reload();
    });
}
