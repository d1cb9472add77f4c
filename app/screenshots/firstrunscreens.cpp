#include "app/screenshots/firstrunscreens.h"

#include "ui/manager/firstrunpages.h"
#include "ui/manager/firstrunwizard.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>

bool FirstRunScreens::advance(FirstRunWizard &wizard, const QString &state, QString *why)
{
    static const QStringList pages = {QStringLiteral("first-run-site"),  QStringLiteral("first-run-money"),
                                      QStringLiteral("first-run-hours"), QStringLiteral("first-run-manager"),
                                      QStringLiteral("first-run-menu"),  QStringLiteral("first-run-ready")};
    const bool pinError = state == u"first-run-pin-error";
    const qsizetype target = pinError ? 3 : pages.indexOf(state);
    if (target < 0) {
        *why = QStringLiteral("no first-run page called %1").arg(state);
        return false;
    }
    auto set = [&wizard](const QString &name, const QString &text) {
        QWidget *field = wizard.currentPage()->findChild<QWidget *>(name);
        if (auto *line = qobject_cast<QLineEdit *>(field))
            line->setText(text);
        else if (auto *combo = qobject_cast<QComboBox *>(field))
            combo->setCurrentText(text);
        else if (auto *plain = qobject_cast<QPlainTextEdit *>(field))
            plain->setPlainText(text);
    };
    for (qsizetype page = 0; page < target; ++page) {
        switch (page) {
        case 0:
            set(QStringLiteral("setting_site_name"), QStringLiteral("Harbor Wash"));
            set(QStringLiteral("setting_site_address"), QStringLiteral("1 Pier Road\nSpringfield, OR 97477"));
            break;
        case 1:
            set(QStringLiteral("setting_billing_tax_rate_percent"), QStringLiteral("8.25"));
            break;
        case 3:
            set(QStringLiteral("managerName"), QStringLiteral("Alex Morgan"));
            set(QStringLiteral("managerPin"), QStringLiteral("2468"));
            set(QStringLiteral("managerPinRepeat"), QStringLiteral("2468"));
            break;
        default:
            break;
        }
        const int before = wizard.currentId();
        wizard.next();
        if (wizard.currentId() == before) {
            *why = QStringLiteral("page %1 refused the sample answers").arg(page + 1);
            return false;
        }
    }
    if (wizard.currentPage() == wizard.managerPage()) {
        set(QStringLiteral("managerName"), QStringLiteral("Alex Morgan"));
        set(QStringLiteral("managerPin"), QStringLiteral("2468"));
        set(QStringLiteral("managerPinRepeat"), pinError ? QStringLiteral("2486") : QStringLiteral("2468"));
        if (pinError)
            wizard.next(); // refused: the page says why
    }
    return true;
}
