#include "ui/manager/openinghourspage.h"

#include "db/calendar/calendarrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "ui/manager/openinghourseditor.h"

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

    m_editor = new OpeningHoursEditor([this](const QString &field) { return fieldErrorLabel(field); }, this);

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
    setTabOrder(m_editor->rangesField(7), m_save);
    setTabOrder(m_save, m_revert);
    statusLabel()->setObjectName(QStringLiteral("hoursStatus"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_editor);
    layout->addStretch(1);
    layout->addWidget(statusLabel());
    layout->addLayout(saveRow(m_save, m_revert));
}

void OpeningHoursPage::reload()
{
    load(
        QStringLiteral("hours.list"), tr("The opening hours could not be loaded."),
        [](QSqlDatabase &db) { return CalendarRepo(db).hours(); },
        [this](const QList<OpeningPeriod> &hours) {
            display(hours);
            Q_EMIT loaded();
        },
        [this] { reload(); });
}

void OpeningHoursPage::display(const QList<OpeningPeriod> &periods)
{
    clearFieldErrors();
    m_editor->setPeriods(periods);
    for (int weekday = 1; weekday <= 7; ++weekday) {
        QList<OpeningPeriod> day;
        for (const OpeningPeriod &p : periods) {
            if (p.weekday == weekday)
                day.append(p);
        }
        m_loaded.insert(weekday, OpeningHours::format(day));
    }
}

void OpeningHoursPage::save()
{
    if (isBusy())
        return;
    QList<FieldError> errors;
    QMap<int, QList<OpeningPeriod>> edits = m_editor->week(&errors);
    for (auto it = edits.begin(); it != edits.end();) {
        if (OpeningHours::format(*it) == m_loaded.value(it.key()))
            it = edits.erase(it);
        else
            ++it;
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

QCheckBox *OpeningHoursPage::openBox(int weekday) const
{
    return m_editor->openBox(weekday);
}

QLineEdit *OpeningHoursPage::rangesField(int weekday) const
{
    return m_editor->rangesField(weekday);
}
