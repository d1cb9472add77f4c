#include "ui/manager/firstrunwizard.h"

#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/manager/firstrunmenupage.h"
#include "ui/manager/firstrunpages.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcFirstRun, "carwash.ui.firstrun", QtWarningMsg)

namespace {
const QString BannerSource = QStringLiteral("firstRun");
}

FirstRunWizard::FirstRunWizard(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent)
    : QWizard(parent)
    , m_pool(pool)
    , m_banner(banner)
{
    setObjectName(QStringLiteral("firstRunWizard"));
    // A page of the desk window, not a window of its own.
    setWindowFlags(Qt::Widget);
    setWizardStyle(QWizard::ClassicStyle);
    // Nothing else can be done on a site without staff: no Cancel.
    setOptions(QWizard::NoCancelButton | QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::FinishButton, tr("&Open the car wash"));

    m_site = new SettingsFirstRunPage(
        {QStringLiteral("site.name"), QStringLiteral("site.address"), QStringLiteral("site.timezone")}, this);
    m_site->setObjectName(QStringLiteral("firstRunSite"));
    m_site->setTitle(tr("Welcome to CarWash Desk"));
    m_site->setSubTitle(
        tr("Nobody is on the staff list yet, so this is a new car wash. A few questions set it "
           "up; every answer can be changed later. First, the car wash itself."));
    m_money = new SettingsFirstRunPage({QStringLiteral("billing.currency"),
                                        QStringLiteral("billing.tax_rate_percent"),
                                        QStringLiteral("billing.prices_include_tax")},
                                       this);
    m_money->setObjectName(QStringLiteral("firstRunMoney"));
    m_money->setTitle(tr("Currency and tax"));
    m_money->setSubTitle(tr("What prices are in, and the tax the receipts show."));
    m_hours = new HoursFirstRunPage(this);
    m_hours->setObjectName(QStringLiteral("firstRunHours"));
    m_hours->setTitle(tr("Opening hours"));
    m_hours->setSubTitle(tr("When customers can book. Holidays are added later under Manage, Site setup."));
    m_manager = new ManagerFirstRunPage(this);
    m_manager->setObjectName(QStringLiteral("firstRunManager"));
    m_manager->setTitle(tr("The first manager"));
    m_manager->setSubTitle(tr("You, most likely."));
    m_menu = new MenuFirstRunPage(this);
    m_menu->setObjectName(QStringLiteral("firstRunMenu"));
    m_menu->setTitle(tr("Wash menu"));
    m_menu->setSubTitle(tr("What customers choose from, at the desk and the kiosk."));
    m_ready = new ReadyFirstRunPage(this);
    m_ready->setObjectName(QStringLiteral("firstRunReady"));
    m_ready->setTitle(tr("Ready"));
    m_ready->setSubTitle(tr("This is what will be set up."));
    connect(m_ready, &ReadyFirstRunPage::finishRequested, this, &FirstRunWizard::submit);

    // Each page starts at its first field, however it was reached (Enter,
    // Alt+N, a click): QWizard leaves the focus where it was otherwise.
    connect(this, &QWizard::currentIdChanged, this, [this] {
        QWidget *page = currentPage();
        for (QWidget *w = page ? page->nextInFocusChain() : nullptr; w && w != page;
             w = w->nextInFocusChain()) {
            if (page->isAncestorOf(w) && w->isEnabled() && w->isVisible()
                && (w->focusPolicy() & Qt::TabFocus)) {
                w->setFocus(Qt::TabFocusReason);
                return;
            }
        }
    });
    m_pages = {m_site, m_money, m_hours, m_manager, m_menu, m_ready};
    for (FirstRunPage *page : std::as_const(m_pages))
        addPage(page);
}

FirstRunPlan FirstRunWizard::plan() const
{
    FirstRunPlan plan;
    for (const FirstRunPage *page : m_pages)
        page->fill(plan);
    plan.setupKey = m_setupKey;
    return plan;
}

bool FirstRunWizard::isBusy() const
{
    return m_ready->isBusy();
}

void FirstRunWizard::initializePage(int id)
{
    QWizard::initializePage(id);
    if (page(id) == m_menu)
        m_menu->setCurrency(plan().settings.value(QStringLiteral("billing.currency")));
    else if (page(id) == m_ready)
        m_ready->showSummary(plan());
}

void FirstRunWizard::submit()
{
    if (isBusy())
        return;
    const FirstRunPlan planned = plan();
    if (const QList<FieldError> errors = FirstRun::validate(planned); !errors.isEmpty()) {
        showRefused(errors);
        return;
    }
    m_ready->setProblem(QString());
    m_ready->setBusy(true);
    button(QWizard::BackButton)->setEnabled(false);
    auto applied = m_pool.withRetry(QStringLiteral("first_run.apply"), RetryPolicy::critical(),
                                    [planned](QSqlDatabase &db) { return FirstRun::apply(db, planned); });
    Async::onResult(applied, this, [this](const DbResult<FirstRunOutcome> &result) {
        m_ready->setBusy(false);
        button(QWizard::BackButton)->setEnabled(true);
        if (!result.ok()) {
            // Every answer stays as typed; Retry (or Finish again) sends them again.
            // Not "nothing was set up": a commit whose answer was lost did set
            // it up, and the retry recognises it by the wizard's setup key.
            qCWarning(lcFirstRun).noquote() << "first run not written:" << result.error().toLogString();
            m_ready->setProblem(tr("The set-up did not finish: %1 %2")
                                    .arg(result.error().message(), ErrorText::whatToDo(result.error())));
            m_banner.showMessage(BannerSource,
                                 tr("The car wash could not be set up. %1").arg(result.error().message()),
                                 ErrorText::whatToDo(result.error()), [this] { submit(); });
            return;
        }
        m_banner.clear(BannerSource);
        if (result->alreadySetUp) {
            Q_EMIT alreadySetUp();
            return;
        }
        if (!result->errors.isEmpty()) {
            showRefused(result->errors);
            return;
        }
        m_ready->setDone();
        Q_EMIT setUp(result->manager);
    });
}

void FirstRunWizard::showRefused(const QList<FieldError> &errors)
{
    FirstRunPage *first = nullptr;
    for (FirstRunPage *page : std::as_const(m_pages)) {
        if (page->showErrors(errors) && !first)
            first = page;
    }
    if (!first) {
        QStringList lines;
        for (const FieldError &e : errors)
            lines << e.message;
        m_ready->setProblem(tr("Nothing was set up: %1").arg(lines.join(u'\n')));
        return;
    }
    while (currentPage() != first && currentId() != startId())
        back();
    // Going back cleared nothing: the refused page shows its messages again.
    first->showErrors(errors);
}
