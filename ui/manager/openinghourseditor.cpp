#include "ui/manager/openinghourseditor.h"

#include "db/text/displaylocale.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>

OpeningHoursEditor::OpeningHoursEditor(const std::function<QLabel *(const QString &field)> &errorLabel,
                                       QWidget *parent)
    : QWidget(parent)
{
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
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
        QLabel *error = errorLabel(fieldName(weekday));
        error->setParent(this);
        grid->addWidget(error, row + 1, 1);
        if (previous)
            setTabOrder(previous, open);
        setTabOrder(open, ranges);
        previous = ranges;
    }
    grid->setColumnStretch(1, 1);
}

QString OpeningHoursEditor::fieldName(int weekday)
{
    return QStringLiteral("hours.") + OpeningHours::weekdayName(weekday);
}

void OpeningHoursEditor::setPeriods(const QList<OpeningPeriod> &periods)
{
    for (int weekday = 1; weekday <= 7; ++weekday) {
        QList<OpeningPeriod> day;
        for (const OpeningPeriod &p : periods) {
            if (p.weekday == weekday)
                day.append(p);
        }
        openBox(weekday)->setChecked(!day.isEmpty());
        rangesField(weekday)->setEnabled(!day.isEmpty());
        rangesField(weekday)->setText(
            day.isEmpty() ? QString() : OpeningHours::format(day).replace(u',', QStringLiteral(", ")));
    }
}

QMap<int, QList<OpeningPeriod>> OpeningHoursEditor::week(QList<FieldError> *errors) const
{
    QMap<int, QList<OpeningPeriod>> week;
    for (int weekday = 1; weekday <= 7; ++weekday) {
        QString problem;
        const QString spec
            = openBox(weekday)->isChecked() ? rangesField(weekday)->text() : QStringLiteral("closed");
        if (const std::optional<QList<OpeningPeriod>> periods = OpeningHours::parse(weekday, spec, &problem))
            week.insert(weekday, *periods);
        else if (errors)
            errors->append({fieldName(weekday), problem});
    }
    return week;
}
