"""Hand-written content of the demo company, Northwind Components: objectives, departments,
goals, strategy-session notes, skills, systems and the demands its departments raise.

Plain data only; `generator.py` turns it into an organisation and sizes it up with
combinatorial names for large organisations.
"""

from __future__ import annotations

import datetime

__all__ = [
    "COMPANY",
    "DEMANDS",
    "DEPARTMENTS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "OBJECTIVES",
    "REGIONS",
    "SKILLS",
    "SYSTEMS",
    "TEAMS",
    "TITLE_OBJECTS",
    "TITLE_VERBS",
    "USERS",
]

COMPANY = {
    "name": "Northwind Components",
    "slug": "northwind",
    "description": "A mid-sized maker of precision bearings, seals and drive components: 2,400 people, "
    "three plants, EUR 412 M revenue, selling to machine builders through key accounts, "
    "distributors and a B2B web shop.",
}

# key, name, category, weight, description, KPI (metric, unit, baseline, target, current, due)
OBJECTIVES = [
    (
        "revenue",
        "Grow revenue",
        "revenue_growth",
        0.35,
        "Grow revenue by 16% by the end of 2028, mostly through the web shop, key accounts and connected services.",
        ("Annual revenue", "M EUR", 412, 480, 418, datetime.date(2028, 12, 31)),
    ),
    (
        "cost",
        "Reduce operating cost",
        "cost_reduction",
        0.25,
        "Bring operating cost down from 31.5% to 28% of revenue by automating finance, HR and IT routine work.",
        ("Operating cost ratio", "% of revenue", 31.5, 28.0, 31.1, datetime.date(2028, 12, 31)),
    ),
    (
        "satisfaction",
        "Raise customer satisfaction",
        "customer_satisfaction",
        0.25,
        "Raise the Net Promoter Score from 22 to 40: faster quotes, reliable delivery dates, better service.",
        ("Net Promoter Score", "NPS", 22, 40, 25, datetime.date(2028, 6, 30)),
    ),
    (
        "risk",
        "Stay compliant and resilient",
        "risk_compliance",
        0.15,
        "Meet every regulatory deadline (e-invoicing, NIS2, GDPR, accessibility) and close all high-severity audit findings.",
        ("Open high-severity audit findings", "findings", 14, 0, 11, datetime.date(2027, 12, 31)),
    ),
]

# username, first name, last name, role, departments led (codes), departments as BIO (codes)
USERS = [
    ("cio", "Helena", "Brandt", "cio", (), ()),
    ("bio", "Jonas", "Weber", "bio", (), ("MKT", "SAL")),
    ("bio2", "Amira", "Haddad", "bio", (), ("FIN", "HR", "PRS")),
    ("lead", "Marco", "Rossi", "lead", ("SAL",), ()),
    ("lead-marketing", "Sofia", "Lindqvist", "lead", ("MKT",), ()),
    ("lead-finance", "Pieter", "de Vries", "lead", ("FIN",), ()),
    ("lead-products", "Anna", "Kowalski", "lead", ("PRS",), ()),
    ("lead-hr", "Claire", "Dubois", "lead", ("HR",), ()),
    ("lead-it", "Tomasz", "Nowak", "lead", ("IT",), ()),
    ("itrm", "Priya", "Raman", "resource_manager", (), ()),
    ("viewer", "Erik", "Johansson", "viewer", (), ()),
]

# Each department: code, name, description, domain skills, its systems, goals, two sessions.
# Goal: title, description, KPI (metric, unit, baseline, target, current), contributions.
# Session: title, (month, day) in 2026, attendees, notes.
DEPARTMENTS = [
    {
        "code": "MKT",
        "name": "Marketing",
        "description": "Brand, campaigns, trade fairs, the website and product content.",
        "skills": ("web", "crm", "bi", "data"),
        "systems": ("hubspot", "crm", "webshop", "lake"),
        "goals": [
            (
                "Double marketing-qualified leads",
                "Generate twice as many qualified leads for sales, mostly from digital campaigns.",
                ("Marketing-qualified leads per quarter", "leads", 1200, 2400, 1350),
                {"revenue": "high", "satisfaction": "low"},
            ),
            (
                "Lift campaign conversion",
                "Turn more campaign responses into sales opportunities through segmentation and scoring.",
                ("Campaign-to-opportunity conversion", "%", 2.1, 3.5, 2.3),
                {"revenue": "medium", "cost": "low"},
            ),
            (
                "One brand voice across channels",
                "Write product content once and reuse it in print, web shop and distributor feeds.",
                ("Content reuse rate", "%", 20, 60, 25),
                {"cost": "medium", "satisfaction": "medium"},
            ),
        ],
        "sessions": [
            (
                "Marketing strategy offsite 2027",
                (9, 8),
                (
                    "Sofia Lindqvist (Head of Marketing)",
                    "Lena Hoffmann (Digital Marketing)",
                    "Ravi Patel (Product Marketing)",
                    "Jonas Weber (BIO)",
                ),
                (
                    "Sofia opened with the 2027 target: twice the qualified leads at the same budget. The team agreed that "
                    "trade fairs stay, but every contact must reach the CRM within a day instead of the current three weeks. "
                    "Lena showed that 40% of campaign emails go to contacts without recorded consent, which legal flagged as a risk. "
                    "Ravi asked for one place for product texts and datasheets; today the same text is maintained in five files. "
                    "Jonas will bring the customer data platform, consent management and the content hub to the IT demand review."
                ),
            ),
            (
                "Marketing quarterly IT needs review",
                (11, 3),
                (
                    "Sofia Lindqvist (Head of Marketing)",
                    "Lena Hoffmann (Digital Marketing)",
                    "Jonas Weber (BIO)",
                    "Priya Raman (IT resource management)",
                ),
                (
                    "Review of the demands raised at the offsite. Priya explained that data engineering is the scarcest skill in "
                    "2027 and that the customer data platform depends on the new data platform from IT. The team ranked the "
                    "campaign ROI dashboard above the website relaunch, because the board asks for marketing ROI every quarter. "
                    "The multilingual website was kept as nice to have. Jonas captured the HubSpot–Salesforce sync as a new demand."
                ),
            ),
        ],
    },
    {
        "code": "FIN",
        "name": "Finance",
        "description": "Accounting, controlling, treasury, tax and the month-end close.",
        "skills": ("erp", "bi", "integration", "dba"),
        "systems": ("erp", "powerbi", "dwh", "esb"),
        "goals": [
            (
                "Close the books in five days",
                "Cut the month-end close from eleven working days to five.",
                ("Days to close", "working days", 11, 5, 10),
                {"cost": "high"},
            ),
            (
                "Comply with e-invoicing from day one",
                "Send and receive structured e-invoices before the national B2B mandate applies.",
                ("Invoices exchanged electronically", "%", 18, 100, 22),
                {"risk": "high", "cost": "medium"},
            ),
            (
                "Cut days sales outstanding",
                "Collect cash faster through clean invoices and automated dunning.",
                ("Days sales outstanding", "days", 58, 45, 56),
                {"cost": "medium", "revenue": "low"},
            ),
            (
                "Automate accounts payable",
                "Process supplier invoices without manual typing or paper routing.",
                ("Invoices processed without touch", "%", 12, 70, 15),
                {"cost": "high"},
            ),
        ],
        "sessions": [
            (
                "Finance planning day 2027",
                (9, 10),
                (
                    "Pieter de Vries (CFO)",
                    "Mei Chen (Group Controlling)",
                    "Lars Berg (Accounting)",
                    "Amira Haddad (BIO)",
                ),
                (
                    "Pieter set three priorities: the e-invoicing mandate, a faster close and lower processing cost per invoice. "
                    "Lars reported that 60% of the close is spent on bank reconciliation and intercompany matching by hand. "
                    "Mei warned that SAP ECC leaves mainstream maintenance at the end of 2027 and that the S/4HANA decision cannot wait. "
                    "The group agreed that e-invoicing is not negotiable and must be live before the 2028 deadline. "
                    "Amira captured the e-invoicing, bank reconciliation and AP automation demands."
                ),
            ),
            (
                "Finance IT demand review",
                (11, 5),
                (
                    "Pieter de Vries (CFO)",
                    "Mei Chen (Group Controlling)",
                    "Amira Haddad (BIO)",
                    "Priya Raman (IT resource management)",
                ),
                (
                    "Follow-up on the planning day. The SAP team confirmed that e-invoicing and the S/4HANA readiness check both need "
                    "the same two ERP consultants in the first half of 2027. Pieter accepted to move the consolidation tool to 2028 "
                    "if needed. Mei asked for a finance data mart so that controlling stops exporting to spreadsheets. "
                    "Segregation-of-duties monitoring was added after the auditors' management letter."
                ),
            ),
        ],
    },
    {
        "code": "SAL",
        "name": "Sales",
        "description": "Key accounts, distributors, inside sales and the B2B web shop.",
        "skills": ("crm", "web", "integration", "java"),
        "systems": ("crm", "webshop", "erp", "esb"),
        "goals": [
            (
                "Grow web-shop revenue share",
                "Move repeat orders from email and phone to the web shop.",
                ("Web-shop share of revenue", "%", 14, 25, 15),
                {"revenue": "high", "satisfaction": "medium"},
            ),
            (
                "Quote in one day",
                "Answer quote requests for configured components within one working day.",
                ("Quote turnaround", "days", 6, 1, 5.5),
                {"revenue": "medium", "satisfaction": "high"},
            ),
            (
                "Win 40 new key accounts",
                "Grow the key-account base in automation and food machinery.",
                ("New key accounts", "accounts", 0, 40, 6),
                {"revenue": "high"},
            ),
        ],
        "sessions": [
            (
                "Sales kick-off planning 2027",
                (9, 15),
                (
                    "Marco Rossi (VP Sales)",
                    "Julia Santos (Key Accounts)",
                    "Henrik Olsen (Inside Sales)",
                    "Jonas Weber (BIO)",
                ),
                (
                    "Marco presented the 2027 plan: 40 new key accounts and a web shop that carries a quarter of revenue. "
                    "Julia said quotes for custom bearings take six days because prices are calculated in a spreadsheet outside the CRM; "
                    "two large tenders were lost on response time last year. Henrik asked for customer-specific prices and quick reorder "
                    "in the web shop. The accessibility act applies to the web shop and must be met. "
                    "Jonas captured CPQ, the web-shop changes and the accessibility work."
                ),
            ),
            (
                "Sales IT needs review",
                (11, 10),
                (
                    "Marco Rossi (VP Sales)",
                    "Julia Santos (Key Accounts)",
                    "Jonas Weber (BIO)",
                    "Helena Brandt (CIO)",
                ),
                (
                    "Helena joined to discuss the web-shop platform, which runs on a Magento release that goes out of support in 2027. "
                    "The team agreed that the upgrade comes before new web-shop features. Julia ranked CPQ first and the mobile CRM app "
                    "second. EDI onboarding for the top 20 customers was raised by two key accounts and recorded as critical. "
                    "Chat on the web shop was kept as nice to have."
                ),
            ),
        ],
    },
    {
        "code": "PRS",
        "name": "Products & Services",
        "description": "Product management, engineering, plants, quality and field service.",
        "skills": ("java", "dotnet", "data", "integration"),
        "systems": ("plm", "mes", "erp", "k8s", "lake"),
        "goals": [
            (
                "Launch connected service offering",
                "Sell condition monitoring as a subscription on the SmartLine product family.",
                ("Recurring service revenue", "M EUR", 3.2, 12, 3.6),
                {"revenue": "high", "satisfaction": "medium"},
            ),
            (
                "First-time fix rate for field service",
                "Give technicians the parts list, history and manuals before they arrive.",
                ("First-time fix rate", "%", 71, 88, 73),
                {"satisfaction": "high", "cost": "medium"},
            ),
            (
                "Engineering change in under 10 days",
                "Release engineering changes from PLM to the plants in under ten days.",
                ("Engineering change lead time", "days", 24, 10, 22),
                {"cost": "medium", "revenue": "low"},
            ),
        ],
        "sessions": [
            (
                "Products & Services strategy workshop",
                (9, 17),
                (
                    "Anna Kowalski (Director Products & Services)",
                    "David Müller (Engineering)",
                    "Sara Nilsson (Field Service)",
                    "Amira Haddad (BIO)",
                ),
                (
                    "Anna opened with the connected-service business case: sensors in SmartLine bearings report vibration and temperature, "
                    "and customers pay for early warnings. David said bills of material are copied from PLM into SAP by hand, which "
                    "causes a third of the production errors. Sara reported a first-time fix rate of 71% and asked for a field service "
                    "app with spare-part availability. The digital product passport is coming and engineering must prepare for it. "
                    "Amira captured the IoT platform, PLM–ERP integration and the field service app."
                ),
            ),
            (
                "Products & Services IT review",
                (11, 12),
                (
                    "Anna Kowalski (Director Products & Services)",
                    "David Müller (Engineering)",
                    "Amira Haddad (BIO)",
                    "Tomasz Nowak (Head of IT Operations)",
                ),
                (
                    "Tomasz explained that connecting plant line 7 to the MES needs the OT network segmentation first. "
                    "The group agreed to sequence: network segmentation, then MES upgrade, then predictive maintenance. "
                    "Warranty claims and service contract billing were ranked important. Anna asked that the IoT platform use the "
                    "Kubernetes platform rather than a new vendor cloud."
                ),
            ),
        ],
    },
    {
        "code": "HR",
        "name": "Human Resources",
        "description": "Recruiting, payroll, learning, time recording and employee services.",
        "skills": ("dotnet", "web", "integration", "analysis"),
        "systems": ("hris", "payroll", "idp"),
        "goals": [
            (
                "Hire faster",
                "Cut the time from vacancy to signed contract, especially for plant technicians.",
                ("Time to hire", "days", 62, 40, 59),
                {"revenue": "low", "cost": "low"},
            ),
            (
                "Payroll on a supported platform",
                "Run payroll on a supported system with fewer corrections.",
                ("Payroll corrections per run", "corrections", 35, 5, 31),
                {"risk": "high", "cost": "medium"},
            ),
        ],
        "sessions": [
            (
                "HR strategy session 2027",
                (9, 22),
                (
                    "Claire Dubois (CHRO)",
                    "Tobias Krause (Payroll)",
                    "Nadia Rahman (Talent Acquisition)",
                    "Amira Haddad (BIO)",
                ),
                (
                    "Claire set the focus on hiring plant technicians and on payroll. Tobias reported that the on-premise payroll system "
                    "goes out of support in March 2027 and that every run needs about 35 manual corrections. Nadia showed that "
                    "applicants wait two weeks for a first answer because the applicant tracking system is not connected to the HRIS. "
                    "Data protection reminded everyone that former-employee records are kept far beyond the retention period. "
                    "Amira captured the payroll replacement, the GDPR retention work and the applicant tracking integration."
                ),
            ),
            (
                "HR IT needs review",
                (11, 17),
                (
                    "Claire Dubois (CHRO)",
                    "Tobias Krause (Payroll)",
                    "Amira Haddad (BIO)",
                    "Priya Raman (IT resource management)",
                ),
                (
                    "The pay transparency directive needs gender pay gap reports from 2027 data; the team classed it as mandatory. "
                    "Priya asked to phase the payroll replacement over three quarters because integration developers are booked by finance "
                    "in early 2027. Time recording for the plants was linked to the payroll replacement. "
                    "The alumni site was kept as nice to have."
                ),
            ),
        ],
    },
    {
        "code": "IT",
        "name": "IT",
        "description": "Infrastructure, security, service desk, integration platform and enterprise architecture.",
        "skills": ("cloud", "network", "security", "dba"),
        "systems": ("vmware", "fileservers", "k8s", "siem", "idp", "backup", "wan", "dwh"),
        "goals": [
            (
                "Keep every critical system supported",
                "No business-critical system runs past its vendor's end of support.",
                ("Critical systems past end of support", "systems", 4, 0, 4),
                {"risk": "high", "cost": "low"},
            ),
            (
                "Recover from outages faster",
                "Cut the mean time to recover from a major incident.",
                ("Mean time to recover", "hours", 9, 3, 8),
                {"satisfaction": "medium", "risk": "high"},
            ),
            (
                "Lower run cost per user",
                "Reduce infrastructure and licence cost per employee.",
                ("Run cost per user", "EUR per month", 168, 140, 165),
                {"cost": "high"},
            ),
            (
                "Pass the NIS2 audit",
                "Close every gap found in the NIS2 readiness assessment.",
                ("Open NIS2 gaps", "gaps", 23, 0, 17),
                {"risk": "high"},
            ),
        ],
        "sessions": [
            (
                "IT strategy retreat 2027",
                (9, 24),
                (
                    "Helena Brandt (CIO)",
                    "Tomasz Nowak (Head of IT Operations)",
                    "Priya Raman (IT resource management)",
                    "Felix Wagner (Information Security Officer)",
                ),
                (
                    "Helena listed four systems that are out of support or will be within the horizon: the vSphere 7 cluster, "
                    "the Windows Server 2016 file servers, the SQL Server 2016 data warehouse and payroll. Felix presented the NIS2 "
                    "readiness assessment with 23 open gaps, including incident reporting within 24 hours and supplier risk reviews. "
                    "Tomasz proposed immutable backups after the ransomware exercise showed a restore time of nine days. "
                    "The team agreed that lifecycle and NIS2 work come before new platform features."
                ),
            ),
            (
                "IT capacity and demand review",
                (11, 19),
                (
                    "Helena Brandt (CIO)",
                    "Tomasz Nowak (Head of IT Operations)",
                    "Priya Raman (IT resource management)",
                    "Jonas Weber (BIO)",
                    "Amira Haddad (BIO)",
                ),
                (
                    "Priya presented the capacity picture: about 60% of the demand hours for 2027–2028 fit the current team, with data "
                    "engineering, SAP and security the tightest skills. The BIOs walked through their departments' top demands. "
                    "The data warehouse migration was confirmed as the prerequisite for the customer data platform and the finance data mart. "
                    "Privileged access management and MFA were bundled under the NIS2 programme."
                ),
            ),
        ],
    },
]

# code, name, description
SKILLS = [
    ("java", "Java development", "Back-end services on the Kubernetes platform"),
    ("dotnet", ".NET development", "Internal applications and plant tools"),
    ("web", "Web & front-end development", "Web shop, portals and websites"),
    ("data", "Data engineering", "Pipelines, data platform and data quality"),
    ("bi", "BI & reporting", "Power BI reports and data marts"),
    ("dba", "Database administration", "SQL Server, PostgreSQL and SAP HANA"),
    ("cloud", "Cloud & platform engineering", "Azure, Kubernetes and virtualisation"),
    ("network", "Network engineering", "WAN, plant networks and firewalls"),
    ("security", "Security engineering", "Identity, SOC, vulnerability management"),
    ("erp", "SAP ERP consulting", "SAP FI/CO, SD, MM and PP"),
    ("crm", "CRM configuration", "Salesforce and HubSpot"),
    ("integration", "Integration & APIs", "MuleSoft, EDI and APIs"),
    ("analysis", "Business analysis", "Requirements, process design, change"),
    ("testing", "Testing & QA", "Test automation and user acceptance"),
    ("pm", "Project management", "Delivery and vendor management"),
]

# code, name, kind, owner department, criticality, end of support, unit, capacity, utilised, description
SYSTEMS = [
    (
        "erp",
        "SAP ECC 6.0",
        "application",
        "FIN",
        "mission_critical",
        datetime.date(2027, 12, 31),
        "integration slots",
        40,
        31,
        "Finance, sales orders, purchasing and production planning.",
    ),
    (
        "crm",
        "Salesforce Sales Cloud",
        "saas",
        "SAL",
        "high",
        None,
        "licences",
        450,
        410,
        "Accounts, opportunities and quotes.",
    ),
    (
        "hubspot",
        "HubSpot Marketing Hub",
        "saas",
        "MKT",
        "medium",
        None,
        "contacts (thousands)",
        200,
        150,
        "Campaigns, email and landing pages.",
    ),
    (
        "webshop",
        "B2B web shop (Magento 2.4)",
        "application",
        "SAL",
        "high",
        datetime.date(2027, 8, 31),
        "storefronts",
        12,
        7,
        "Customer ordering, prices and order tracking.",
    ),
    (
        "dwh",
        "Data warehouse (SQL Server 2016)",
        "database",
        "IT",
        "high",
        datetime.date(2026, 7, 14),
        "TB",
        20,
        16,
        "Reporting data for finance, sales and plants.",
    ),
    (
        "lake",
        "Azure data platform",
        "platform",
        "IT",
        "medium",
        None,
        "TB",
        200,
        60,
        "Data lake and pipelines.",
    ),
    (
        "powerbi",
        "Power BI",
        "saas",
        "FIN",
        "medium",
        None,
        "licences",
        300,
        210,
        "Dashboards and reports.",
    ),
    (
        "hris",
        "Personio HRIS",
        "saas",
        "HR",
        "high",
        None,
        "licences",
        2600,
        2420,
        "Employee records, absences, recruiting.",
    ),
    (
        "payroll",
        "Payroll (on-premise)",
        "application",
        "HR",
        "high",
        datetime.date(2027, 3, 31),
        "payslips (hundreds)",
        30,
        25,
        "Monthly payroll for three countries.",
    ),
    (
        "plm",
        "Windchill PLM",
        "application",
        "PRS",
        "high",
        None,
        "licences",
        180,
        172,
        "Product data and engineering changes.",
    ),
    (
        "mes",
        "Plant MES",
        "application",
        "PRS",
        "mission_critical",
        datetime.date(2028, 6, 30),
        "production lines",
        24,
        20,
        "Shop-floor execution in three plants.",
    ),
    (
        "esb",
        "Integration platform (MuleSoft)",
        "integration",
        "IT",
        "high",
        None,
        "API slots",
        60,
        44,
        "APIs and EDI between ERP, CRM, web shop and partners.",
    ),
    (
        "idp",
        "Microsoft Entra ID",
        "saas",
        "IT",
        "mission_critical",
        None,
        "licences",
        2600,
        2450,
        "Identity and sign-in.",
    ),
    (
        "siem",
        "SIEM (Splunk)",
        "platform",
        "IT",
        "high",
        None,
        "GB per day",
        150,
        120,
        "Security monitoring.",
    ),
    (
        "k8s",
        "Kubernetes platform",
        "platform",
        "IT",
        "high",
        None,
        "vCPU",
        512,
        380,
        "Container platform for own services.",
    ),
    (
        "vmware",
        "VMware vSphere 7 cluster",
        "infrastructure",
        "IT",
        "high",
        datetime.date(2025, 10, 2),
        "vCPU",
        800,
        690,
        "Virtual machines for most on-premise workloads.",
    ),
    (
        "fileservers",
        "File servers (Windows Server 2016)",
        "infrastructure",
        "IT",
        "medium",
        datetime.date(2027, 1, 12),
        "TB",
        60,
        52,
        "Department shares and plant drawings.",
    ),
    (
        "backup",
        "Backup (Veeam)",
        "infrastructure",
        "IT",
        "high",
        None,
        "TB",
        300,
        240,
        "Backup and restore.",
    ),
    (
        "wan",
        "SD-WAN and site network",
        "network",
        "IT",
        "high",
        datetime.date(2028, 3, 31),
        "sites",
        32,
        29,
        "Network between plants, offices and cloud.",
    ),
    (
        "servicedesk",
        "IT service desk (Jira Service Management)",
        "saas",
        "IT",
        "medium",
        None,
        "agents",
        40,
        34,
        "Tickets, requests and knowledge base.",
    ),
]

# Demands by department code: title, type, need class, description, extras (earliest, duration, deadline).
# Types: ns new system, en enhancement, in infrastructure, se security, co compliance, su support.
# Need: m mandatory, c critical, i important, n nice to have.
DEMANDS: dict[str, list[tuple]] = {
    "MKT": [
        (
            "Customer data platform for campaign segmentation",
            "ns",
            "c",
            "Consolidate web, CRM and event data into one customer profile so that campaigns target by segment and buying stage.",
        ),
        (
            "Lead scoring in HubSpot",
            "en",
            "i",
            "Score leads on behaviour and firmographics and pass hot leads to sales automatically.",
        ),
        (
            "Product content hub (PIM) for catalogue and web shop",
            "ns",
            "i",
            "One source of product texts, images and datasheets for print, web shop and distributor feeds.",
        ),
        (
            "Trade fair lead capture app",
            "ns",
            "n",
            "Scan badges at trade fairs and create CRM contacts the same day.",
        ),
        (
            "Campaign ROI dashboard",
            "en",
            "i",
            "Show spend, leads, pipeline and won revenue per campaign for the board.",
        ),
        (
            "Consent management for email and web tracking",
            "co",
            "c",
            "Record and honour consent per contact across HubSpot, the web shop and the CRM (GDPR, ePrivacy).",
        ),
        (
            "Website relaunch on a headless CMS",
            "ns",
            "i",
            "Replace the ageing corporate website with a headless CMS and a faster front end.",
        ),
        (
            "Multilingual website: Polish and Czech",
            "en",
            "n",
            "Add two languages for the growing Central European distributor network.",
        ),
        (
            "Social media listening integration",
            "en",
            "n",
            "Bring brand mentions and competitor signals into the marketing dashboard.",
        ),
        (
            "Partner co-marketing portal",
            "ns",
            "n",
            "Let distributors order co-branded material and claim marketing funds.",
        ),
        (
            "Digital asset library",
            "ns",
            "n",
            "Store approved images, videos and logos with usage rights in one library.",
        ),
        (
            "Real-time HubSpot–Salesforce contact sync",
            "en",
            "i",
            "Replace the nightly batch sync so that sales sees campaign responses immediately.",
        ),
        (
            "Webinar platform integration",
            "en",
            "n",
            "Register webinar attendees as campaign members automatically.",
        ),
        (
            "Retire the legacy newsletter tool",
            "su",
            "i",
            "Move the remaining newsletters to HubSpot and switch off the old tool.",
        ),
    ],
    "FIN": [
        (
            "E-invoicing mandate: structured B2B invoices (EN 16931)",
            "co",
            "m",
            (
                "Issue and receive structured electronic invoices (EN 16931 via Peppol) as the national B2B e-invoicing mandate "
                "requires from January 2028."
            ),
            (0, 2, 4),
        ),
        (
            "Automated bank reconciliation",
            "en",
            "i",
            "Match bank statements to open items automatically and leave only exceptions for accountants.",
        ),
        (
            "Close cockpit for a five-day month-end close",
            "en",
            "c",
            "Track every close task, owner and dependency in one cockpit.",
        ),
        (
            "Treasury cash-flow forecasting",
            "ns",
            "i",
            "Forecast cash thirteen weeks ahead from ERP, bank and sales pipeline data.",
        ),
        (
            "Accounts payable invoice capture and approval workflow",
            "en",
            "c",
            "Capture supplier invoices with OCR and route them for approval without paper.",
        ),
        (
            "Group consolidation tool replacement",
            "ns",
            "i",
            "Replace the spreadsheet-based consolidation with a consolidation tool.",
        ),
        (
            "Finance data mart",
            "en",
            "i",
            "Give controlling governed data for reporting instead of spreadsheet exports.",
        ),
        (
            "Travel and expense app",
            "ns",
            "n",
            "Submit receipts from the phone and post expenses to SAP.",
        ),
        (
            "SAP S/4HANA readiness check and conversion preparation",
            "ns",
            "c",
            "SAP ECC 6.0 leaves mainstream maintenance at the end of 2027: clean data, custom code and the conversion plan.",
        ),
        (
            "Credit risk scoring for new customers",
            "en",
            "i",
            "Score new customers with credit agency data before the first order ships.",
        ),
        (
            "VAT digital reporting (SAF-T)",
            "co",
            "c",
            "Produce the standard audit file for tax authorities from SAP.",
        ),
        (
            "Driver-based budget planning",
            "ns",
            "n",
            "Plan budgets by driver instead of copying last year's spreadsheet.",
        ),
        (
            "Fixed asset register clean-up",
            "su",
            "n",
            "Remove retired assets and align the register with plant inventories.",
        ),
        (
            "Segregation-of-duties monitoring in SAP",
            "se",
            "c",
            "Detect conflicting SAP roles continuously, as the auditors asked.",
        ),
    ],
    "SAL": [
        (
            "Configure-price-quote for custom components",
            "ns",
            "c",
            "Configure custom bearings and produce a priced quote inside the CRM within one day.",
        ),
        (
            "Salesforce mobile app for field sales",
            "en",
            "i",
            "Visit reports, pipeline and customer history on the phone.",
        ),
        (
            "Key account planning in the CRM",
            "en",
            "i",
            "Account plans, whitespace analysis and contact maps for key accounts.",
        ),
        (
            "Web shop: customer-specific prices and quick reorder",
            "en",
            "c",
            "Show contract prices and let buyers reorder from their history.",
        ),
        (
            "European Accessibility Act: accessible web shop",
            "co",
            "m",
            "Bring the web shop to WCAG 2.1 AA as the European Accessibility Act requires for e-commerce services.",
            (0, 2, 3),
        ),
        (
            "Distributor portal with stock availability",
            "ns",
            "i",
            "Let distributors check stock and delivery dates and place orders.",
        ),
        (
            "Pipeline analytics and sales forecasting",
            "en",
            "i",
            "Forecast sales from pipeline history instead of gut feeling.",
        ),
        (
            "EDI onboarding for the top 20 customers",
            "en",
            "c",
            "Exchange orders, confirmations and invoices electronically with key accounts.",
        ),
        (
            "Upgrade the web shop to a supported release",
            "su",
            "c",
            "Move the web shop to a supported platform release before end of support.",
        ),
        (
            "Contract lifecycle management",
            "ns",
            "n",
            "Store customer contracts with renewal dates and approval workflow.",
        ),
        (
            "Territory and commission management",
            "ns",
            "n",
            "Calculate commissions from CRM and ERP data instead of spreadsheets.",
        ),
        (
            "Order tracking for customers",
            "en",
            "i",
            "Show order status and shipment tracking in the web shop.",
        ),
        ("Live chat on the web shop", "en", "n", "Answer buyers' questions while they order."),
        (
            "Price list automation from SAP",
            "en",
            "i",
            "Publish price lists to CRM, web shop and distributors from SAP conditions.",
        ),
    ],
    "PRS": [
        (
            "IoT condition monitoring platform for SmartLine",
            "ns",
            "c",
            "Collect vibration and temperature from SmartLine sensors and alert customers before a bearing fails.",
        ),
        (
            "Field service management app",
            "ns",
            "i",
            "Plan technicians, show parts, manuals and history on a tablet.",
        ),
        (
            "PLM to SAP bill-of-materials integration",
            "en",
            "c",
            "Transfer released bills of material from PLM to SAP without retyping.",
        ),
        (
            "Digital product passport",
            "co",
            "c",
            "Publish material and sustainability data per product as the EU ecodesign rules will require.",
        ),
        (
            "Spare-parts e-catalogue with 3D viewer",
            "ns",
            "i",
            "Let customers find spare parts from exploded 3D views.",
        ),
        (
            "Warranty claims workflow",
            "en",
            "i",
            "Register, assess and credit warranty claims with photos and root cause.",
        ),
        (
            "MES upgrade and connection of line 7",
            "en",
            "i",
            "Upgrade the plant MES and connect the new production line.",
        ),
        (
            "Predictive maintenance for plant machinery",
            "ns",
            "n",
            "Predict failures of grinding machines from sensor data.",
        ),
        (
            "Service contract billing automation",
            "en",
            "i",
            "Bill service subscriptions and visits automatically from the service app.",
        ),
        (
            "Corrective and preventive actions in the QMS",
            "en",
            "i",
            "Track quality findings to closure with owners and deadlines.",
        ),
        (
            "Engineering change request workflow in PLM",
            "en",
            "n",
            "Route engineering change requests with impact analysis and approvals.",
        ),
        (
            "Product configurator data model",
            "en",
            "i",
            "Model options and rules of configurable products once for CPQ and web shop.",
        ),
        (
            "Remote support for customer installations",
            "ns",
            "n",
            "Connect securely to customer machines for diagnostics.",
        ),
        (
            "Plant network segmentation (OT security)",
            "se",
            "c",
            "Separate production networks from office IT and the internet.",
        ),
    ],
    "HR": [
        (
            "GDPR retention: automated deletion of former-employee records",
            "co",
            "m",
            "Delete or anonymise former-employee records after the retention period in HRIS, payroll and file shares.",
            (0, 2, 3),
        ),
        (
            "Replace the on-premise payroll system",
            "ns",
            "c",
            "Move payroll to a supported cloud payroll service integrated with the HRIS.",
        ),
        (
            "Onboarding portal for new hires",
            "ns",
            "i",
            "Contracts, equipment requests and first-week plans in one portal.",
        ),
        (
            "Learning management system",
            "ns",
            "i",
            "Plan and record mandatory safety and compliance training.",
        ),
        (
            "Skills inventory and internal mobility",
            "ns",
            "n",
            "Record employees' skills and show internal openings that fit.",
        ),
        (
            "Applicant tracking integration with the HRIS",
            "en",
            "i",
            "Create employee records from accepted offers automatically.",
        ),
        (
            "Self-service for absence and leave",
            "en",
            "i",
            "Request and approve leave in the HRIS app instead of paper forms.",
        ),
        (
            "Plant time recording integrated with payroll",
            "en",
            "c",
            "Send shift hours from plant terminals to payroll without re-entry.",
        ),
        (
            "HR analytics dashboard",
            "en",
            "n",
            "Headcount, turnover and time to hire by plant and function.",
        ),
        (
            "Pay transparency reporting (EU directive)",
            "co",
            "m",
            "Produce the gender pay gap reports required by the EU pay transparency directive.",
            (1, 2, 5),
        ),
        (
            "Digital personnel files",
            "en",
            "i",
            "Replace paper personnel files with access-controlled digital files.",
        ),
        (
            "Performance review cycle in the HRIS",
            "en",
            "n",
            "Run the yearly review and goal setting in the HRIS.",
        ),
        (
            "Shift planning tool for plants",
            "ns",
            "i",
            "Plan shifts with qualifications and working-time rules.",
        ),
        (
            "Alumni and referral programme site",
            "ns",
            "n",
            "Keep in touch with former employees and reward referrals.",
        ),
    ],
    "IT": [
        (
            "NIS2: incident reporting and supplier risk controls",
            "se",
            "m",
            "Report significant incidents within 24 hours and review critical suppliers' security, as NIS2 requires.",
            (0, 3, 4),
        ),
        (
            "Move off the unsupported vSphere 7 cluster",
            "in",
            "c",
            "Migrate virtual machines to a supported virtualisation platform.",
        ),
        (
            "Replace the Windows Server 2016 file servers",
            "in",
            "c",
            "Move department shares to supported storage before end of support.",
        ),
        (
            "Migrate the data warehouse to the cloud data platform",
            "in",
            "c",
            "Move the SQL Server 2016 data warehouse, which is past end of support, to the Azure data platform.",
        ),
        (
            "Multi-factor authentication for all users",
            "se",
            "c",
            "Enforce MFA for every user, including plant terminals.",
        ),
        (
            "Managed detection and response (24/7 SOC)",
            "se",
            "i",
            "Monitor security alerts around the clock with a managed SOC.",
        ),
        (
            "Kubernetes platform upgrade and GitOps",
            "in",
            "i",
            "Upgrade the cluster and deploy every service from Git.",
        ),
        (
            "Immutable backups and disaster-recovery tests",
            "in",
            "c",
            "Protect backups against ransomware and test restores every quarter.",
        ),
        (
            "API gateway and integration monitoring",
            "in",
            "i",
            "Publish APIs through a gateway and alert on failed interfaces.",
        ),
        (
            "Service desk self-service portal",
            "su",
            "i",
            "Let employees solve common requests themselves.",
        ),
        (
            "Network refresh for plant sites",
            "in",
            "i",
            "Replace end-of-life switches and firewalls in the three plants.",
        ),
        (
            "Privileged access management",
            "se",
            "i",
            "Vault and record administrator access to servers and SAP.",
        ),
        (
            "Endpoint management modernisation",
            "su",
            "n",
            "Manage laptops from the cloud and retire the old deployment server.",
        ),
        (
            "Cloud cost monitoring (FinOps)",
            "su",
            "n",
            "Show cloud cost per product and team and flag waste.",
        ),
    ],
}

# Pools for large organisations.
REGIONS = [
    ("Nordics", "NO"),
    ("DACH", "DE"),
    ("Benelux", "BX"),
    ("Iberia", "IB"),
    ("UK & Ireland", "UK"),
    ("France", "FR"),
    ("Italy", "IT"),
    ("Central Europe", "CE"),
    ("North America", "NA"),
    ("Asia Pacific", "AP"),
]
TITLE_VERBS = [
    "Automate",
    "Modernise",
    "Integrate",
    "Replace",
    "Extend",
    "Migrate",
    "Harmonise",
    "Digitise",
    "Consolidate",
    "Upgrade",
    "Standardise",
    "Monitor",
]
TITLE_OBJECTS = {
    "MKT": [
        "campaign reporting",
        "lead routing",
        "event management",
        "newsletter production",
        "web analytics",
        "brand asset approval",
        "distributor marketing feeds",
        "customer surveys",
    ],
    "FIN": [
        "intercompany matching",
        "dunning",
        "supplier payments",
        "cost centre reporting",
        "tax reporting",
        "purchase order approval",
        "budget consolidation",
        "cash pooling",
    ],
    "SAL": [
        "quote approval",
        "customer onboarding",
        "order entry",
        "price management",
        "sales reporting",
        "tender management",
        "rebate handling",
        "account handover",
    ],
    "PRS": [
        "spare parts planning",
        "test bench data",
        "quality inspection",
        "service scheduling",
        "product data release",
        "machine monitoring",
        "supplier quality",
        "technical documentation",
    ],
    "HR": [
        "time-off approval",
        "contract generation",
        "training records",
        "candidate screening",
        "workforce planning",
        "employee surveys",
        "travel booking",
        "health and safety reporting",
    ],
    "IT": [
        "server patching",
        "log management",
        "identity lifecycle",
        "storage tiering",
        "certificate management",
        "network monitoring",
        "license management",
        "database backups",
    ],
}
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carla",
    "Daniel",
    "Elif",
    "Fatima",
    "Georg",
    "Hanna",
    "Ivan",
    "Jana",
    "Karim",
    "Laura",
    "Mateo",
    "Nina",
    "Oskar",
    "Paula",
    "Quentin",
    "Rosa",
    "Samir",
    "Tanja",
    "Uwe",
    "Vera",
    "Wout",
    "Yusuf",
    "Zofia",
    "Ahmed",
    "Birgit",
    "Chiara",
    "Dmitri",
    "Emma",
    "Finn",
    "Greta",
    "Hugo",
    "Ines",
    "Jakob",
    "Kasia",
    "Leon",
    "Maja",
    "Noah",
    "Olga",
]
LAST_NAMES = [
    "Andersen",
    "Bauer",
    "Costa",
    "Dahl",
    "Eriksen",
    "Fischer",
    "García",
    "Hansen",
    "Ivanova",
    "Jansen",
    "Klein",
    "Lehmann",
    "Moreau",
    "Novak",
    "Ortiz",
    "Petersen",
    "Quinn",
    "Richter",
    "Schmid",
    "Tanaka",
    "Urban",
    "Vogel",
    "Wolf",
    "Yilmaz",
    "Zimmermann",
    "Bianchi",
    "Horvat",
    "Kaya",
    "Larsen",
    "Meyer",
]
# team name, skills that team's people draw from
TEAMS = {
    "Application Development": ("java", "dotnet", "web", "testing"),
    "Data & Analytics": ("data", "bi", "dba"),
    "Infrastructure & Operations": ("cloud", "network", "dba"),
    "Security": ("security", "network"),
    "Enterprise Applications": ("erp", "crm", "integration"),
    "Delivery & Architecture": ("analysis", "pm", "testing"),
}
