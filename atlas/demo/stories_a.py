"""The demo publication's first set of stories: invented reporting, our own original text.

Every person, organisation, firm and foreign country in these stories is invented. The dates are
relative (`days_ago`), so the demo always looks freshly published. `load_demo` in
`atlas.demo.services` turns these dicts into posts; `stories_b` holds the second set.
"""

STORIES: list[dict[str, object]] = [
    {
        "title": (
            "An Envoy Asks for Allies Against Aldmark's Tariffs, and the Cabinet Plays for Time"
        ),
        "subtitle": (
            "Kaveria wants the country in a new coalition of trading nations. Voters rate Kaveria "
            "3.1 out of 10, and the prime minister, seeking a third term, is in no hurry to answer."
        ),
        "authors": ["amara-okafor"],
        "tags": ["trade", "politics"],
        "days_ago": 1,
        "hour": 7,
        "image_alt": (
            "Abstract illustration: overlapping translucent circles in two opposing colours, with a"
            " third colour pressing in from the edge."
        ),
        "body": """\
When Kaveria's ambassador rose to speak at a business luncheon in the capital on Tuesday, most of
the 300 guests expected a familiar address about port capacity and student visas. Instead,
Ambassador Teodor Valen made an offer. Kaveria, he said, was assembling a "coalition of open
markets" to answer the sweeping tariffs that Aldmark imposed this spring, and the country would be
"a natural founding member."

The pitch was specific. Members would file joint complaints with international trade arbitrators,
share data on goods diverted by Aldmark's duties, and coordinate any retaliation so that no single
country carried the cost alone. Mr. Valen said four governments had agreed to preliminary talks,
though he declined to name them.

The government's response was noticeably cooler. In a two-line statement, the Department of Trade
said it "welcomes dialogue with all partners" and would "assess any proposal against the national
interest." Two officials familiar with the discussions, who were not authorized to speak publicly,
said cabinet had no plans to give an answer before the autumn.

## An awkward partner

The hesitation has a history. Eighteen months ago the government imposed 100% tariffs on electric
vehicles made in Kaveria, arguing that state subsidies let Kaverian manufacturers sell cars below
cost. Kaveria retaliated with duties of up to 75% on oilseeds and pork, which farm groups say cost
producers about $1.4 billion in lost sales last year.[^1]

Joining a coalition led by Kaveria would not require lifting the vehicle tariffs, Mr. Valen said.
But it would put the government alongside a partner that voters plainly distrust. In a survey of
2,050 adults conducted this month by Castlegate Research, respondents rated Kaveria 3.1 out of 10
for favourability, the lowest score among the 14 countries tested. Aldmark, despite its tariffs,
scored 5.8.[^2]

> "The government is being asked to pick a side in a quarrel where both sides have hurt it. Saying
> yes to Kaveria does not make Aldmark's tariffs go away, and saying no does not buy any goodwill
> in Aldmark either."
>
> — Dr. Helena Marsh, professor of international affairs at Northgate University

Dr. Marsh said the coalition's value would depend on who else signs up. "If it is Kaveria plus two
or three small economies, it is a press release," she said. "If large democracies join, it becomes
a real negotiating bloc, and then staying outside has a cost too."

## Politics at home

The timing is delicate. The prime minister is seeking a third term in an election expected within a
year, and his party has spent months presenting itself as the steady hand in a volatile trade
environment. The opposition's trade critic, Celine Marchand, called the government "frozen" and
asked for a parliamentary committee to hear from the ambassador in public.

Exporters are divided. The Oilseed Growers' Council wants any route back into the Kaverian market
and has urged ministers to "at least sit at the table." The Auto Parts Manufacturers Alliance
warned that any hint of softening on the vehicle tariffs would put 9,000 jobs in assembly towns at
risk.

> "Our members would love Kaveria's market back. They would not love being used as a bargaining
> chip in someone else's fight."
>
> — Rowan Delacroix, president of the Oilseed Growers' Council

Trade figures show why neither partner can be ignored. Aldmark buys about 71% of the country's
merchandise exports; Kaveria is second at roughly 6%, but it supplies a third of imported
electronics and most of the battery materials used by domestic manufacturers, according to the
Office of Trade Statistics.[^3]

## What comes next

Mr. Valen said the coalition would hold its first ministerial meeting in October, with or without
new members. Officials say the government is likely to send an observer rather than a minister, a
gesture that would keep the door open without committing to walk through it.

For now, the department says it is "consulting widely." Asked on Wednesday whether the country
would join, the trade minister said only that "every option remains on the table," a phrase that,
in the capital, usually means the table is being left alone.

[^1]: Oilseed Growers' Council, "The Cost of Retaliation: Export Losses by Commodity," annual
    report.
[^2]: Castlegate Research, "International Perceptions Tracker," online survey of 2,050 adults; a
    comparable probability sample would have a margin of error of plus or minus 2.2 percentage
    points, 19 times out of 20.
[^3]: Office of Trade Statistics, "Merchandise Trade by Partner Country," monthly release.
""",
        "correction": {
            "kind": "correction",
            "text": (
                "An earlier version of this article said the prime minister was seeking a fourth "
                "term. He is seeking a third term."
            ),
            "days_after": 0,
        },
    },
    {
        "title": (
            "Competition Board Opens Inquiry Into Grocery Margins After Two Years of Rising Food "
            "Prices"
        ),
        "subtitle": (
            "The three largest chains sell three of every four dollars of groceries. The board "
            "wants to know whether that explains what shoppers pay."
        ),
        "authors": ["priya-raman"],
        "tags": ["economy", "politics"],
        "days_ago": 3,
        "hour": 9,
        "image_alt": (
            "Abstract illustration: a loose grid of rounded tiles in warm market colours, with "
            "several tiles missing."
        ),
        "body": """\
The national Competition Board opened a formal inquiry on Monday into how the country's grocery
chains set prices, after food costs rose faster than overall inflation for 26 consecutive months.

The inquiry will examine the three largest grocers, Ashcombe Foods, Corra Markets and Greystone
Grocers, which together account for 74% of grocery sales, according to the board's own market
study. It has the power to compel documents and testimony, and it must report to the minister of
industry within 14 months.

"Concentration by itself is not a crime," said Solveig Brandt, the board's chief commissioner, at a
news conference in the capital. "But when a handful of firms set the terms for suppliers and
shoppers alike, we have a duty to look closely at whether competition is doing its job."

The numbers that prompted the inquiry are not in dispute. Food bought in stores cost 21.4% more
last month than it did three years earlier, compared with a 13.9% rise in the consumer price index
over the same period. What the chains and their critics disagree about is why.

The grocers say their costs have risen as fast as their prices. In a joint statement, the Retail
Food Association, which represents all three chains, pointed to higher wages, transport and energy
costs, and said net margins on food "remain in the low single digits, as they have for a decade."

Critics point to a different line in the same financial statements. An analysis by the Centre for
Fair Markets, an independent research group, found that gross margins across the three companies
rose from an average of 25.1% to 27.8% over three years, and that much of the increase came from
store-brand products and pharmacy sales rather than fresh food.[^1]

> "Net margins tell you what is left after everything a company chooses to spend. Gross margins
> tell you how much room it has to set prices. That second number is the one that has moved."
>
> — Dr. Farid Nasser, senior economist at the Centre for Fair Markets

The board will also look at practices that rarely reach shoppers' attention: fees that suppliers
pay to secure shelf space, clauses in property deeds that stop rival grocers from opening in former
store sites, and the loyalty programmes that give each chain detailed data on what its customers
buy. Suppliers have complained for years that listing fees and sudden deductions from invoices
squeeze smaller food processors out of the market.

Public patience appears thin. In a survey of 1,600 adults by Meridian Polling conducted last week,
68% said they believed grocers were "taking advantage of inflation to increase profits," and 57%
said they had switched to cheaper brands or stores in the past year.[^2] Only 11% said they trusted
the chains to explain their prices honestly.

The chains say they will cooperate. Corra Markets' chief executive, Lionel Abernathy, said in a
memo to staff that the company "welcomes the opportunity to set the record straight." Ashcombe
Foods said it would publish a breakdown of its costs per product category before the first
hearings.

Past inquiries offer a caution. A similar review a decade ago produced 42 recommendations, of which
the government adopted nine. Consumer advocates say the outcome this time will depend less on the
board's findings than on whether ministers are willing to act on them, for example by banning
restrictive property clauses outright or requiring unit pricing on every shelf label.

> "Shoppers do not need another report that confirms what their receipts already tell them. They
> need rules that outlast the headlines."
>
> — Ines Carvalho, director of the Consumers' Council

The first public hearings are scheduled for early next year. The board has invited written
submissions from shoppers and suppliers until the end of the month and says it will publish them,
with personal details removed, on its website.

[^1]: Centre for Fair Markets, "Margins on the Shelf: Grocery Profitability Before and After the
    Price Surge," working paper.
[^2]: Meridian Polling, online survey of 1,600 adults; the firm reports a comparable margin of
    error of plus or minus 2.5 percentage points.
""",
        "correction": None,
    },
    {
        "title": (
            "Nurses Reach Tentative Deal With 14% Raise Over Four Years, Ending Threat of Strike"
        ),
        "subtitle": (
            "The agreement caps patient ratios on medical wards for the first time. Members vote on"
            " it next week."
        ),
        "authors": ["priya-raman"],
        "tags": ["health", "politics"],
        "days_ago": 7,
        "hour": 16,
        "image_alt": (
            "Abstract illustration: soft overlapping discs in calm blues and greens, crossed by a "
            "few fine white lines."
        ),
        "body": """\
The union representing 48,000 registered nurses reached a tentative agreement with the province's
hospitals early on Thursday, after 31 hours of continuous bargaining and four days before a strike
deadline.

The deal, if members approve it, would raise wages by 14% over four years, with 5% in the first
year. It also introduces, for the first time, a cap on the number of patients a nurse may be
assigned on medical and surgical wards: one nurse for every five patients on day shifts and one for
every seven at night.

"This is the contract our members told us they needed," said Folasade Ibekwe, president of the
Provincial Nurses' Union, speaking outside the hotel where talks took place. "The raise matters.
The ratios matter more, because they are about whether patients get the care they are owed."

The Hospital Employers' Association, which bargains on behalf of 142 hospitals, said the agreement
was "fair to nurses and responsible to taxpayers." Its chief negotiator, Graham Pellerin, said the
ratios would be phased in over 30 months, to give hospitals time to hire.

That hiring will not be simple. The province has about 4,900 vacant registered nurse positions, a
vacancy rate of 7.8%, according to the latest figures from the Health Workforce Office.[^1]
Hospitals have filled part of the gap with nurses hired through private staffing agencies, paying
those agencies as much as twice the hourly rate of a staff nurse. Last year hospitals spent $610
million on agency staff, up from $95 million five years earlier.

The union argued throughout the talks that better pay and workloads would bring nurses back to
staff jobs. A survey of 3,200 of its members conducted in the spring found that 41% were
considering leaving their current job within two years, and that workload, not pay, was the most
common reason given.[^2]

> "Ratios are not a magic number, but the research is consistent: when each nurse has fewer
> patients, fewer patients die and fewer nurses quit. The hard part is finding the people to make
> the numbers real."
>
> — Dr. Miriam Sandoval, professor of nursing at Lakeshore University

The cost of the agreement has not been published. The finance ministry estimated last month that
each percentage point of wage increase for nurses costs about $62 million a year. On that basis,
the wage increases alone would add roughly $870 million to annual spending by the fourth year,
before the cost of new hires.

Patients' groups welcomed the end of the strike threat. Hospitals had already begun postponing
non-urgent surgery in preparation, and the Patients' Alliance said about 2,300 procedures had been
rescheduled this week. Hospitals said most would now go ahead as originally booked.

The health minister, Delphine Arsenault, said the government would "respect the outcome of the
vote" and would not comment on the details before members had seen them. Opposition parties said
the ratios should be written into law, so that future contracts could not bargain them away.

Members will vote online from Monday to Thursday. The union's bargaining committee is recommending
acceptance, and a simple majority of those voting is needed to ratify the deal. If members reject
it, the strike deadline would be reset with 72 hours' notice.

[^1]: Health Workforce Office, "Quarterly Vacancy Report: Regulated Health Professions."
[^2]: Provincial Nurses' Union, "Member Workload and Retention Survey," conducted online among
    3,200 members.
""",
        "correction": {
            "kind": "update",
            "text": (
                "Members of the Provincial Nurses' Union ratified the agreement, with 81% of those "
                "voting in favour, the union said after voting closed. Turnout was 64%."
            ),
            "days_after": 5,
        },
    },
    {
        "title": (
            "Lakeport's Bus Map Is Being Redrawn From Scratch. Here Is Who Wins and Who Walks "
            "Further"
        ),
        "subtitle": (
            "Fewer routes, buses every ten minutes on the main lines, and a longer walk to the stop"
            " for about one rider in eight."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["cities", "climate"],
        "days_ago": 11,
        "hour": 11,
        "image_alt": (
            "Abstract illustration: bold parallel diagonal bands in transit colours, crossed by "
            "thin lines like a route map."
        ),
        "body": """\
Lakeport Transit unveiled its first complete redesign of the bus network in 38 years on Wednesday,
a plan that would cut the number of routes from 61 to 44 but run buses every ten minutes or better
on 14 main corridors, all day, seven days a week.

Today only four routes meet that standard, and only on weekdays. Under the proposal, the share of
residents who live within a five-minute walk of frequent service would rise from 29% to 63%, the
agency says.

"We are trying to build a network you can use without a timetable," said Tomasz Wierzbicki,
Lakeport Transit's director of service planning. "If the bus comes every ten minutes, you just go
to the stop. That is what makes transit a real choice rather than a last resort."

## The trade-off

The plan costs no more to run than the current network. It pays for its frequent corridors by
removing duplicated routes and by straightening lines that wind through residential streets. That
means some riders would walk further.

The agency estimates that 12% of current riders would have a longer walk to their nearest stop,
typically by four to six minutes. Most live on quiet streets that today are served by a bus every
30 to 60 minutes. In exchange, the agency says, the average rider would reach 22% more jobs within
45 minutes of travel, based on modelling by the consultancy Gridline Transport Planning.[^1]

> "Every redesign asks some people to walk further so that many more can wait less. The question
> the city has to answer honestly is who those people are, and whether they can make that walk in
> February."
>
> — Dr. Celeste Moreau, associate professor of urban planning at Lakeshore University

The longer walks are not evenly spread. An analysis of the agency's draft maps by Atlas News found
that 9 of the 17 routes to be removed serve neighbourhoods where the median age is above 50,
including two areas around seniors' residences on the east side. The agency says it will keep a
flexible on-demand service in those areas, bookable by phone or app, at the standard fare.

## Riders are cautiously supportive

In a survey of 2,400 riders commissioned by the agency, 61% said they would prefer "more frequent
buses even if the stop is further away," while 27% preferred "a closer stop even if buses come less
often." Support was lowest among riders over 65, at 44%.[^2]

The Lakeport Riders' Union, an advocacy group, backed the principle of the plan but said it would
press for changes on individual routes.

> "Ten-minute service on the main roads is something riders have asked for for twenty years. We
> will not let the good parts of this plan be lost, and we will not let the east side be an
> afterthought."
>
> — Beatriz Salgado, chair of the Lakeport Riders' Union

## What happens next

Public consultations begin next month, with 18 meetings in libraries and community centres and an
online map where residents can look up how their own trip would change. The agency will publish a
revised plan in the spring, and city council is expected to vote on it before the summer.

If approved, the new network would launch in one step on a single weekend next autumn, rather than
route by route, because the frequent corridors are designed to work as a connected grid. Mr.
Wierzbicki said the agency would print 400,000 new maps and station staff at the 60 busiest stops
during the first two weeks.

Councillor Maeve Donnelly, who chairs the city's transportation committee, said she expected "a
long and lively consultation" and promised that council would not approve the plan without changes
for riders with reduced mobility.

[^1]: Gridline Transport Planning, "Lakeport Network Redesign: Access to Jobs and Services,"
    technical report prepared for Lakeport Transit.
[^2]: Lakeport Transit, "Rider Priorities Survey," conducted online and at stops among 2,400
    riders.
""",
        "correction": None,
    },
    {
        "title": "The Province Promised 5,000 Public Chargers by Next Year. It Has Built 1,380",
        "subtitle": (
            "Grid connections, not money, are the bottleneck, and rural drivers are waiting "
            "longest."
        ),
        "authors": ["priya-raman"],
        "tags": ["climate", "economy"],
        "days_ago": 17,
        "hour": 14,
        "image_alt": (
            "Abstract illustration: stacked soft waves in electric blue and green under a dark sky,"
            " with a few thin bright rings."
        ),
        "body": """\
Two years after the provincial government announced a $420-million programme to build 5,000 public
fast chargers for electric vehicles by the end of next year, 1,380 are in service, according to
figures released by the energy ministry in response to a request from Atlas News.

That is 28% of the target with 16 months to go. The ministry says a further 1,950 chargers are
under construction or approved, and that it still expects to reach 5,000 "within the programme
period." Independent analysts are doubtful.

"The money has been available from the start," said Gustavo Lindahl, who tracks charging
infrastructure for the research firm Voltaic Analytics. "What has not been available is grid
capacity. A bank of eight fast chargers draws as much power as a small factory, and the utility
cannot connect them faster than it can upgrade the lines."

Voltaic Analytics estimates that, at the current pace of about 75 new chargers a month, the
province would reach 5,000 chargers roughly four years late. Even if the pace doubled once the
approved sites are finished, the target would slip by more than a year.[^1]

The delays are longest outside the cities. Of the 1,380 chargers in service, 71% are in the three
largest metropolitan areas, which hold about 58% of the province's population. In the northern
region, where drivers cover the longest distances between towns, there are 46 public fast chargers
along 2,100 kilometres of highway. The ministry's own plan called for a charger every 80 kilometres
on major routes; today the longest gap is 310 kilometres.

The provincial utility, Northgrid Power, says it has 640 applications for new charging connections
waiting for assessment, and that the average time from application to connection has risen from
seven months to 13.

> "We are connecting chargers as fast as we can do it safely. In many rural areas we are not adding
> a plug to an existing line. We are rebuilding the line."
>
> — Eleanor Fitzwilliam, vice-president of distribution at Northgrid Power

Reliability is a second problem. A survey by the Electric Vehicle Owners' Association of 1,100 of
its members found that 34% had arrived at a public fast charger in the previous three months to
find it out of service, and 19% said that had happened more than once.[^2] The ministry requires
operators it funds to keep chargers working 97% of the time, but it does not publish how often they
meet that standard.

Drivers are buying electric cars faster than chargers are being built. Electric vehicles made up
14.2% of new car registrations in the province in the first half of the year, up from 8.9% two
years earlier. There are now about 31 electric vehicles for every public fast charger, compared
with 22 when the programme was announced.

Most charging still happens at home, which makes the gap less visible in the cities, where many
drivers have a garage. It matters more for the 37% of households that live in apartments or rely on
street parking, and for anyone who drives long distances.

> "The first question people ask me when they are thinking about an electric car is whether they
> can get to their cottage or their mother's house. For too many of them the honest answer is: with
> some planning, and some luck."
>
> — Rashida Benjamin, president of the Electric Vehicle Owners' Association

The energy minister, Laurent Duchesne, said in a statement that the government would announce "new
measures to accelerate grid connections" this autumn, and that he would ask the utility to
prioritise highway sites. Opposition critics called for the ministry to publish uptime data for
every charger it has funded.

The ministry has not said whether the $420 million budget will change. About $190 million has been
committed to date.

[^1]: Voltaic Analytics, "Charging Ahead? Tracking the Provincial Fast-Charger Programme,"
    quarterly tracker.
[^2]: Electric Vehicle Owners' Association, "Public Charging Experience Survey," conducted online
    among 1,100 members.
""",
        "correction": None,
    },
    {
        "title": (
            "Housing Starts Fell 18% This Year, Even as Lakeport Approved a Record Number of Homes"
        ),
        "subtitle": (
            "Approvals are not homes. Builders say high interest rates and construction costs have "
            "stalled 11,000 units that already have permission."
        ),
        "authors": ["jonas-lindqvist", "priya-raman"],
        "tags": ["cities", "economy"],
        "days_ago": 23,
        "hour": 8,
        "image_alt": (
            "Abstract illustration: rows of rounded blocks in brick and sand tones, some solid and "
            "some faint, like an unfinished street."
        ),
        "body": """\
Construction began on 9,240 new homes in the Lakeport region in the first nine months of this year,
18% fewer than in the same period last year and the lowest figure for that period in seven years,
according to data published on Tuesday by the national Housing Statistics Office.

The decline came in a year when the city approved more homes than ever before. Lakeport's planning
department issued permits for 16,800 units in the same nine months, a record. The gap between the
two numbers is the story of the region's housing market this year.

## Permission, but no shovels

Almost all of the decline is in apartment buildings. Starts of single-family and semi-detached
houses were roughly flat, at 2,110, while starts of apartment and condominium units fell from 8,900
to 7,130. Rental buildings held up better than condominiums, thanks to a federal low-interest loan
programme, but not well enough to make up the difference.[^1]

Builders say the arithmetic of a new apartment building no longer works in many parts of the
region. Construction costs have risen by about 34% over four years, according to the Lakeport Home
Builders' Association, and interest on construction loans has roughly doubled. At the same time,
presale prices for new condominiums, which lenders require before they will finance a project, have
fallen by about 9% since their peak.

> "A permit is an option to build, not an obligation. When the numbers do not work, the land sits
> and waits, and right now there are a lot of sites waiting."
>
> — Darius Kettering, chief executive of the Lakeport Home Builders' Association

The association estimates that about 11,000 units across the region have all the approvals they
need but no date to begin construction. The city's own pipeline report puts the figure a little
lower, at 9,600.

## What the numbers mean for renters

Fewer starts today mean fewer completions in two to three years, when most of the apartments begun
now would be ready. The Housing Statistics Office projects that completions in the region will peak
next year at about 15,000 units, as buildings started during the boom are finished, and then fall
sharply.

That matters for rents. The average asking rent for a one-bedroom apartment in Lakeport is $1,940 a
month, down 3% from a year ago, largely because of the wave of new buildings now opening.
Economists expect that relief to be temporary.

"The current softness in rents is the echo of construction decisions made three years ago," said
Dr. Noor Siddiqui, an urban economist at the Institute for Housing Research. "The decisions being
made this year, or rather not made, will show up in rents later in the decade."

Her institute's modelling suggests the region needs about 14,500 new homes a year to keep up with
population growth and to slowly reduce the shortage. This year it is on track for about 12,300.[^2]

## Is there anything the city can do?

The city has already cut development charges on purpose-built rental buildings by 50% and promised
to process permits for affordable projects within 90 days. Councillors are now debating whether to
go further by deferring charges until a building is occupied, which would reduce a builder's
borrowing costs during construction.

The deputy mayor, Henrik Aalto, said in an interview that the city "cannot set interest rates," but
could make sure that "when the market turns, nothing on our side is slowing it down."

Builders would like more. The association wants the province to remove sales tax on new rental
buildings and to lower the presale threshold that lenders require. Tenant advocates argue that
public money would go further if it built non-market housing directly. A motion asking city staff
to study a municipal builder, modelled on programmes elsewhere, will come before the housing
committee next month.

[^1]: Housing Statistics Office, "Housing Starts and Completions by Metropolitan Area," monthly
    release; figures are seasonally unadjusted.
[^2]: Institute for Housing Research, "How Many Homes Does Lakeport Need? Population and Household
    Projections," policy brief.
""",
        "correction": None,
    },
    {
        "title": "Coastal Fishers Say a 30% Cut to the Snow Crab Quota Will Empty Their Harbours",
        "subtitle": (
            "Scientists say the stock is in decline. Fishers say the survey is wrong. The two "
            "neighbouring countries that share the fishery disagree too."
        ),
        "authors": ["amara-okafor"],
        "tags": ["trade", "climate"],
        "days_ago": 31,
        "hour": 13,
        "image_alt": (
            "Abstract illustration: deep blue and teal swells layered to the horizon, with a pale "
            "sky and a few small rings like buoys."
        ),
        "body": """\
Hundreds of fishing boats stayed tied up in harbours along the eastern coast on Friday, in a
protest against the federal fisheries ministry's decision to cut the snow crab quota in the Gulf of
Ardmore by 30% for the coming season.

The cut reduces the total allowable catch to 21,700 tonnes from 31,000. At last season's average
wharf price of $6.10 a pound, the difference is worth about $125 million to the fleet, before any
change in prices. Snow crab is the most valuable catch for roughly 2,800 licence holders and their
crews, and the backbone of the economy in dozens of small harbours.

"You are not cutting a number on a spreadsheet, you are cutting a town," said Marc-André Thibodeau,
a fourth-generation fisher from Cape Sorrel, who joined about 200 others outside the ministry's
regional office in Port Ainsley. "We have boat payments, we have crews with families. Thirty
percent is the difference between a season and no season."

The ministry says it had little choice. Its annual trawl survey found that the biomass of
commercial-sized male crab, the only crab that may be landed, had fallen for the third year in a
row and was now 38% below its average for the past two decades. Under the fishery's rules, a
decline of that size triggers a larger cut in the quota.[^1]

> "The survey is showing us fewer young crab coming up behind the ones being fished today. If we
> fish hard now, we risk a much longer closure later. This decision protects the fishery; it does
> not abandon it."
>
> — Dr. Ingrid Solberg, senior research scientist at the Federal Institute for Marine Science

Warming water is one reason scientists give for the decline. Snow crab need cold bottom water to
grow, and the area of the gulf's floor colder than zero degrees Celsius in late summer has shrunk
by about a third since the early years of the survey, according to the institute.

Fishers dispute the survey itself. The Gulf Fishermen's Cooperative says the research vessel
sampled fewer stations than usual this year because of mechanical problems, and that its members'
catch rates last season were the highest in a decade. The cooperative has asked for an independent
review.

The dispute has a second front. The gulf's southern fishing grounds are shared with the
neighbouring Republic of Sondmark, which sets its own quota under a bilateral agreement. Sondmark
has cut its quota by only 12%, arguing that its fishers catch a separate part of the stock. Fishers
on this side of the line say that is unfair and will simply move crab from their traps to
Sondmark's.

Sondmark's fisheries ministry said its decision followed "the best available science," and noted
that the two countries' scientists had disagreed about the boundary between the stocks for several
years. The agreement requires the two governments to meet when their quotas diverge by more than 10
points; a meeting has been requested but not scheduled.

The economic stakes extend well beyond the boats. Processing plants in the region employ about
3,100 seasonal workers, many of whom rely on the season to qualify for employment insurance. A
study by the Atlantic Rural Economy Centre estimated last year that every dollar landed in the crab
fishery supports about 2.3 dollars of activity in coastal communities.[^2]

The fisheries minister, Yvonne Leclair, said she would not reverse the decision but would announce
"transition support" for crews and plant workers within weeks. She also offered to fund a second,
industry-led survey next year, using fishers' boats and traps, as a check on the ministry's own
results.

"We will take the survey," Mr. Thibodeau said. "But the bank will not wait a year."

The season is scheduled to open in six weeks. The cooperative has not said whether its members will
fish.

[^1]: Federal Institute for Marine Science, "Assessment of Snow Crab in the Gulf of Ardmore," stock
    assessment report.
[^2]: Atlantic Rural Economy Centre, "The Economic Footprint of the Coastal Fishery," research
    report.
""",
        "correction": None,
    },
    {
        "title": "Five Things the Provincial Budget Says, and Three It Leaves Out",
        "subtitle": (
            "A $4.1-billion deficit, more for hospitals, less than promised for transit, and an "
            "optimistic forecast doing a lot of the work."
        ),
        "authors": ["priya-raman", "jonas-lindqvist"],
        "tags": ["politics", "economy", "health"],
        "days_ago": 41,
        "hour": 18,
        "image_alt": (
            "Abstract illustration: broad diagonal bands in muted greens and greys, like the "
            "columns of a ledger seen at an angle."
        ),
        "body": """\
The provincial finance minister, Arjun Mehta-Collins, presented a $96.8-billion budget on Thursday
that he called "a plan for steady hands in unsteady times." Here is what it contains, and what it
does not.

## What it says

**1. The deficit is bigger than planned.** The province now expects to spend $4.1 billion more than
it takes in this year, up from the $2.6-billion deficit forecast a year ago. The government blames
slower growth and lower revenue from corporate taxes. It projects a return to balance in three
years.

**2. Health care gets the largest increase.** Spending on hospitals and health care rises by 6.2%,
to $38.4 billion, about 40 cents of every dollar the province spends. The increase includes money
to hire 2,000 more nurses and to open 1,200 new long-term care beds.

**3. Transit gets less than promised.** The budget sets aside $740 million for public transit over
three years, well short of the $1.2 billion the government pledged in its last campaign. The
finance ministry says the rest will come "as projects reach construction."

**4. Income taxes stay the same; one fee falls.** There are no changes to personal income tax
rates. The budget cuts the annual vehicle registration fee by $60, at a cost of about $190 million
a year.

**5. Debt interest keeps climbing.** The province will spend $14.3 billion on interest this year,
more than it spends on colleges and universities combined. That figure has risen by 38% in four
years as older, cheaper debt is refinanced at higher rates.[^1]

## What it leaves out

**A recession scenario.** The budget assumes the provincial economy will grow by 1.6% next year.
The average forecast of private-sector economists surveyed by the finance ministry itself is 1.1%.
Each half point of slower growth reduces revenue by about $900 million, according to the budget's
own sensitivity table, which is printed on page 212.

> "The plan balances the books in three years if everything goes right. There is nothing wrong with
> hoping, but a budget is supposed to tell you what happens if things go wrong, and this one mostly
> does not."
>
> — Dr. Oluwaseun Bankole, director of the Provincial Fiscal Monitor

**Where the health money goes.** The budget gives a total for hospital funding but does not break
it down by hospital or region, as previous budgets did. Hospital executives say they will not know
their allocations until the summer, months into the fiscal year.

**Municipal costs.** Cities have asked the province to take back responsibility for some social
housing and ambulance costs, which they say add about $1.5 billion a year to local property taxes.
The budget mentions "an ongoing review" but sets no date.

## How it was received

Business groups were broadly supportive. The Provincial Chamber of Commerce praised the decision
not to raise taxes, while urging the government to "spell out how it will control spending growth."
The opposition finance critic, Siobhan Kerrigan, called the budget "a bet on a good year disguised
as a plan."

Public opinion on the province's finances is divided. In a survey of 1,250 adults by Castlegate
Research conducted the week before the budget, 46% said the government should "prioritise reducing
the deficit," 41% said it should "prioritise spending on services even if the deficit grows," and
13% were unsure.[^2]

The independent Provincial Fiscal Monitor will publish a full review of the budget's projections
within 60 days. The legislature is expected to vote on the budget bill before its summer break.

[^1]: Province of the Lakelands Finance Ministry, "Budget Papers: Economic and Fiscal Outlook,"
    chapter 3, tables 3.4 and 3.9.
[^2]: Castlegate Research, "Provincial Pulse," online survey of 1,250 adults.
""",
        "correction": None,
    },
    {
        "title": (
            "Regulators Approve Tamarack Lake Lithium Mine, With 41 Conditions and a Watchful Town"
        ),
        "subtitle": (
            "The open-pit mine would supply lithium for about 400,000 car batteries a year. "
            "Opponents say the water protections are not strong enough."
        ),
        "authors": ["priya-raman"],
        "tags": ["climate", "politics"],
        "days_ago": 53,
        "hour": 10,
        "image_alt": (
            "Abstract illustration: soft discs in pale silver, lake blue and mineral green drifting"
            " over a gradient, with thin outlined circles."
        ),
        "body": """\
The provincial environmental review board approved a permit on Monday for an open-pit lithium mine
at Tamarack Lake, 60 kilometres north of the town of Aldergrove, ending a four-year review and
clearing the way for construction to begin next spring.

The board attached 41 conditions to the permit, including continuous monitoring of groundwater and
the lake, a cap on the amount of water the mine may draw each day, and a $210-million bond to pay
for the site's cleanup if the company fails to do so.

The developer, Northhollow Minerals, says the mine would produce about 32,000 tonnes of spodumene
concentrate a year, a lithium-bearing mineral, enough after refining for roughly 400,000
electric-car batteries. It expects to employ 380 people during operations and about 900 at the peak
of construction.

## A mineral in demand

Governments have been eager to secure lithium for the battery industry, and the project has had
strong support from the provincial and federal governments. The province has listed it as a
"priority critical minerals project," a designation that gave it a dedicated coordinator but, the
board stressed, no shortcut through the review.

> "A critical mineral is still a mine. Our job was not to decide whether the country needs lithium.
> It was to decide whether this mine, in this place, can be built and closed without lasting harm,
> and under what rules."
>
> — Catriona Delgado, chair of the provincial environmental review board

The board's 318-page decision found that the mine's effects on air quality and wildlife could be
managed, but it called the project's water management "the central risk." The mine pit would come
within 400 metres of Tamarack Lake, which drains into the river that supplies Aldergrove's drinking
water.[^1]

## Conditions and concerns

Among the conditions: the company must treat all water leaving the site to drinking-water standards
for metals, publish monitoring data online within 30 days of each sample, and stop pumping if the
lake's level falls more than 15 centimetres below its seasonal average.

Critics say those safeguards depend on the company reporting its own results. The Sable River Land
Guardians, a community monitoring group, argued during the hearings that an independent body should
collect the samples. The board declined to require that, but ordered the company to fund a
community liaison committee with the power to commission its own tests twice a year.

> "Forty-one conditions sounds like a lot until you remember who checks them. We have watched other
> mines promise clean water and deliver a lawsuit twenty years later."
>
> — Wendell Ashgrove, coordinator of the Sable River Land Guardians

Local opinion is split but leaning in favour. A survey of 620 residents of Aldergrove and
surrounding communities, commissioned by the town council and conducted by Northfield Research,
found that 54% supported the mine, 33% opposed it and 13% were undecided. Support rose to 71% among
residents under 35, many of whom cited the prospect of jobs that would let them stay in the
region.[^2]

The town's mayor, Lucille Banerjee, said the council would hold the company to "every line" of the
permit. Aldergrove lost its sawmill seven years ago, and its population has fallen by 11% in the
decade since.

## What comes next

Northhollow Minerals must still obtain a water-taking licence and a permit for its tailings
facility, which the board called "the two approvals on which this decision most depends." The
company's chief executive, Patrick Drummond, said it expected both by the end of the year and would
make a final investment decision on the $1.3-billion project soon afterward.

Opponents have 30 days to ask a court to review the board's decision. The Land Guardians said they
were consulting lawyers.

[^1]: Provincial Environmental Review Board, "Decision and Reasons: Tamarack Lake Lithium Project,"
    sections 7 and 9.
[^2]: Northfield Research, "Aldergrove Community Survey on the Tamarack Lake Project," telephone
    and online survey of 620 residents.
""",
        "correction": None,
    },
    {
        "title": (
            "Harlow Street Bridge Repair Now Expected to Cost $87 Million, Nearly Double the "
            "Estimate"
        ),
        "subtitle": (
            "Corrosion hidden inside the deck, a redesign and a tight market for contractors added "
            "$42 million. The bridge will reopen a year late."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["cities"],
        "days_ago": 67,
        "hour": 15,
        "image_alt": (
            "Abstract illustration: a dark river-blue gradient crossed by pale horizontal lines and"
            " a single large outlined arc."
        ),
        "body": """\
The repair of Lakeport's Harlow Street Bridge will cost about $87 million, up from the $45 million
that city council approved two years ago, and the bridge will not reopen to traffic until the
autumn of next year, twelve months later than planned, according to a staff report released on
Friday.

The report blames three things: corrosion that engineers could not see until they removed the
bridge's road surface, a redesign of the deck that followed, and construction prices that have
risen faster than the city expected.

The 1962 bridge carries about 34,000 vehicles a day over the Brannock River when it is open, along
with two bus routes and the busiest cycling connection between the east side and downtown. It has
been closed to cars since the spring of last year; a temporary walkway keeps one side open to
pedestrians and cyclists.

When crews removed the asphalt and concrete overlay, they found that the steel reinforcement in
about 60% of the deck had lost more than a fifth of its thickness to rust, far more than the
sampling done before the contract had suggested. The engineering firm overseeing the project,
Stonebridge Structural Engineering, concluded that patching the deck, as originally planned, would
leave the city with a bridge needing major work again within 15 years. It recommended replacing the
deck entirely.[^1]

"We could have kept to the budget and handed the next council the same problem," said Helga
Marchetti, Lakeport's general manager of infrastructure. "The bridge we are now building should
need nothing but routine maintenance for 50 years."

The redesign accounts for about $29 million of the increase. Another $9 million comes from higher
prices for steel, concrete and specialised labour, and $4 million from the cost of extending
traffic management and the temporary walkway for an extra year.

> "Hidden corrosion is the oldest story in bridge repair, which is exactly why a good budget
> carries a contingency for it. A contingency of 10% on a sixty-year-old structure was never
> realistic."
>
> — Dr. Amadou Keita, professor of civil engineering at Lakeshore University

The original budget did include a contingency of 10%, or about $4.5 million. A review of 23
comparable bridge rehabilitation projects in the region by the Municipal Infrastructure Institute
found that their final costs exceeded the approved budget by a median of 37%, and that projects on
structures older than 50 years exceeded it by a median of 58%.[^2]

Some councillors say they were not told about the problems soon enough. Staff informed council of
"significant findings" in a confidential memo eight months ago, but the full cost was not presented
publicly until this week.

"I understand that engineers needed time to get the numbers right," said Councillor Desmond
Ferreira, whose ward includes the east end of the bridge. "What I do not understand is why
residents who have been detouring for eighteen months had to read about it in a staff report on a
Friday afternoon."

The extra money would come from the city's capital reserve and from deferring two smaller road
projects. Council's infrastructure committee will debate the report next week, and a vote of the
full council is expected before the end of the month. Staff say stopping the work now is not an
option: the old deck has already been removed.

Businesses along Harlow Street say the extra year of closure will hurt. The local business
association estimates that foot traffic on the street has fallen by about a quarter since the
bridge closed, and four shops have shut. The city has offered a temporary reduction in the area's
business improvement levy.

The report also recommends that, for future projects on structures more than 50 years old, the city
carry a contingency of at least 25% and carry out more extensive testing before it signs a
construction contract.

[^1]: Stonebridge Structural Engineering, "Harlow Street Bridge: Deck Condition Findings and
    Rehabilitation Options," report to the City of Lakeport.
[^2]: Municipal Infrastructure Institute, "Budgets and Outcomes in Bridge Rehabilitation: A
    Regional Review," research paper.
""",
        "correction": None,
    },
    {
        "title": "Does Your Home Insurance Cover a Flood? Probably Not the Way You Think",
        "subtitle": (
            "An explainer: overland flooding, sewer backup, what the new public flood-risk map "
            "means for premiums, and what to ask your insurer."
        ),
        "authors": ["priya-raman"],
        "tags": ["climate", "economy"],
        "days_ago": 83,
        "hour": 12,
        "image_alt": (
            "Abstract illustration: layered soft waves in deep and pale blues rising across a light"
            " sky, with thin horizontal lines like water levels."
        ),
        "body": """\
After last spring's floods damaged more than 6,000 homes in the province, the most common complaint
to the provincial insurance ombudsman was not about slow payments. It was from homeowners who
discovered, too late, that their policy did not cover what had happened to them.

With the province due to publish its first public flood-risk map this fall, here is what you need
to know.

## Is flooding covered by a standard home policy?

Usually not. A standard home insurance policy covers water damage from sudden events inside the
house, such as a burst pipe. Two other kinds of water damage are usually sold separately, as
add-ons known as endorsements:

- **Sewer backup**, when water comes up through the drains in your basement because the sewer
  system is overwhelmed.
- **Overland flooding**, when water from a river, lake or heavy rain enters the house from the
  ground surface, through doors, windows or foundations.

According to the Insurance Information Bureau, about 78% of homeowners in the province have sewer
backup coverage, but only 41% have overland flood coverage.[^1] Many of those who do not have it
were never offered it, or turned it down because of the price.

## Why is flood coverage so expensive for some homes?

Insurers price flood coverage by address, using their own models of how likely a property is to
flood. For most homes the endorsement costs between $100 and $400 a year. For the roughly 10% of
homes in the highest-risk areas, it can cost several thousand dollars, or not be offered at all.

> "Insurance works when the risk is shared among many people who are unlikely to claim at the same
> time. A street on a floodplain is the opposite: everyone claims at once. That is why the private
> market struggles with the highest-risk homes, and why governments end up involved."
>
> — Dr. Annelise Kovacs, professor of risk management at Westbrook University

## What will the new flood map change?

The province's map will, for the first time, let any resident look up the estimated flood risk of
an address, based on river and rainfall models. Insurers already have similar models, so the map is
not expected to raise premiums directly. What it will change is what buyers and sellers know.

A survey of 1,500 homeowners by Tidemark Research, conducted for the ombudsman's office, found that
63% did not know whether their home was in a flood-risk area, and 71% had not been told about flood
risk when they bought their home.[^2]

Real estate groups have warned that the map could lower prices in high-risk areas. Consumer
advocates say it will simply make visible a risk that buyers are already paying for, without
knowing it.

## What about the public flood insurance programme?

The federal government has promised a low-cost public insurance programme for high-risk homes,
which insurers would sell on its behalf. Details, including the premium cap and which homes
qualify, are expected next year. Until then, homes that cannot buy private coverage remain reliant
on disaster assistance, which typically covers only essential repairs and is capped at about
$200,000 per household in the province.

## What should you do now?

The ombudsman's office suggests four steps:

1. **Read your policy's exclusions,** not just the summary page, and look for the words "overland
   water" and "sewer backup."
2. **Ask your insurer or broker in writing** whether overland flood coverage is available for your
   address, and at what price and deductible.
3. **Check the limits.** Some endorsements cap flood claims at $25,000 or $50,000, far less than
   the cost of rebuilding a finished basement.
4. **Reduce your risk.** A backwater valve, a sump pump with a battery backup and downspouts
   directed away from the foundation can lower premiums with some insurers. Several cities,
   including Lakeport, offer grants of up to $1,250 for these measures.

"The worst time to learn what your policy says is the morning after the water comes in," said
Josephine Adair, the provincial insurance ombudsman. "Fifteen minutes with your policy now can save
you a great deal of grief."

[^1]: Insurance Information Bureau, "Home Insurance Coverage in the Province: Endorsements and
    Exclusions," annual market review.
[^2]: Tidemark Research for the Office of the Insurance Ombudsman, "Homeowner Awareness of Flood
    Risk," online survey of 1,500 homeowners.
""",
        "correction": None,
    },
    {
        "title": "One in Seven Young Adults Is Neither Working Nor Studying, a New Study Finds",
        "subtitle": (
            "The rate has risen for three years, and it is highest among young people outside the "
            "big cities and those who left school without a diploma."
        ),
        "authors": ["amara-okafor", "priya-raman"],
        "tags": ["economy"],
        "days_ago": 101,
        "hour": 6,
        "image_alt": (
            "Abstract illustration: a grid of rounded tiles in bright and faded tones, some tiles "
            "missing, over a soft gradient."
        ),
        "body": """\
About 14.6% of people aged 15 to 29 in the province were neither employed nor in education or
training last year, up from 11.8% three years earlier, according to a study published on Wednesday
by the Institute for Work and Opportunity.

That amounts to roughly 312,000 young people. Economists call the group "NEET," for not in
employment, education or training, and they watch it closely because long periods outside both work
and school in early adulthood are linked to lower earnings and poorer health for decades afterward.

"The youth unemployment rate only counts people who are looking for work," said Dr. Kwabena Mensah,
the institute's research director and the study's lead author. "This measure also captures the
young people who have stopped looking, or never started, and that is where we see the most worrying
change."

The study, based on the provincial labour force survey and tax records for 84,000 young people,
found large differences between groups.[^1] The rate was 23.1% among those who had left high school
without a diploma, compared with 8.4% among university graduates. It was 18.9% in rural areas and
small towns, against 12.7% in the three largest metropolitan areas. Young people with a disability
were more than twice as likely as others to be outside work and education.

The increase has been driven by the oldest part of the group, those aged 25 to 29, whose rate rose
from 13.2% to 17.5%. Many in this age group finished their studies during a period of weak hiring
for entry-level jobs, the study says, and have struggled to gain the experience employers ask for.

> "What we hear again and again is the same catch: you need experience to get a job, and you need a
> job to get experience. A year out of both becomes two years surprisingly quickly, and every month
> makes the next application harder."
>
> — Dr. Kwabena Mensah, research director at the Institute for Work and Opportunity

The trend is not simply a sign of a weak economy. The provincial unemployment rate for all adults
has been low by historical standards for most of the period, at between 5.4% and 6.1%. The study
suggests that a mismatch between where jobs are and where young people live, rising rents that make
moving for work harder, and a sharp decline in summer and part-time jobs for teenagers have all
contributed.

Young people themselves describe a confusing system. In a survey of 2,000 people aged 18 to 29,
conducted for the study by Brightline Research, 47% of those not working or studying said they did
not know where to get help finding a job or training, and 38% said they had applied to more than 50
jobs in the past year without an offer.[^2]

Employment and training programmes exist, but the study found they reach a small share of those who
could use them. The province's main youth employment programme served about 26,000 people last
year, roughly one in twelve of those in the NEET group. Its budget has been flat for six years,
which means it has shrunk after inflation.

Business groups say they are ready to hire more young people but need help training them. "Our
members have openings in skilled trades, logistics and care work that go unfilled for months," said
Ottilie Brandvold, vice-president of policy at the Provincial Employers' Council. "Paid placements
that cover part of the wage while someone learns would move the numbers quickly."

The labour minister, Samuel Okoro-Grant, said in a statement that the government would "study the
report carefully" and pointed to a new apprenticeship grant introduced this year. Youth advocacy
groups called for the youth employment programme's budget to be doubled and for a guarantee, used
in several countries, that every young person out of work for four months be offered a job, a
training place or an apprenticeship.

The institute recommends three steps: tracking the NEET rate as an official provincial indicator,
funding outreach through schools and community organisations to reach young people before they
drift away from both, and expanding paid work placements in rural areas.

[^1]: Institute for Work and Opportunity, "Outside Looking In: Young People Not in Employment,
    Education or Training," research report.
[^2]: Brightline Research for the Institute for Work and Opportunity, online survey of 2,000 people
    aged 18 to 29.
""",
        "correction": None,
    },
    {
        "title": (
            "Ethics Commissioner Opens Probe Into Lakeport Councillor's Vote on Waterfront Rezoning"
        ),
        "subtitle": (
            "Councillor Victor Halloran voted to rezone land next to a property owned by a company "
            "in which his brother-in-law is a partner. He says he did nothing wrong."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["cities", "politics"],
        "days_ago": 127,
        "hour": 19,
        "image_alt": (
            "Abstract illustration: dark overlapping shapes with one bright outlined circle, "
            "suggesting scrutiny, over a deep gradient."
        ),
        "body": """\
Lakeport's integrity commissioner has opened a formal investigation into whether Councillor Victor
Halloran broke the city's code of conduct when he voted in favour of rezoning a stretch of the
eastern waterfront last month.

The investigation follows a complaint filed by a resident, Imogen Trask, who alleges that Mr.
Halloran had a financial interest in the decision because his brother-in-law is a partner in a
company that owns a 2.3-hectare site next to the rezoned land. Ms. Trask provided Atlas News with a
copy of her complaint and of the corporate records on which it relies.

Mr. Halloran denies any wrongdoing. In a written statement, he said he had "no financial interest
of any kind" in the company or its property, that his brother-in-law's business was "entirely
separate" from his own affairs, and that he would cooperate fully with the commissioner.

## The vote

On the evening of the vote, council approved, by 9 votes to 6, a rezoning that allows buildings of
up to 24 storeys on 11 hectares of former industrial land along the eastern waterfront, where the
previous limit was four storeys. Mr. Halloran, who represents the neighbouring ward, spoke in
favour and voted with the majority.

The neighbouring site is owned by Eastquay Holdings, a private company. Provincial corporate
records list three partners, one of whom is married to Mr. Halloran's sister. The site was not part
of the rezoning, but real estate appraisers consulted by Atlas News said the decision was likely to
increase its value, because it signals that the city is open to taller buildings in the area. One
appraiser estimated the increase at between 15% and 30%.[^1]

The city's code of conduct requires councillors to declare a conflict and leave the room when a
decision could affect the financial interests of a "member of their family," a term that it defines
to include siblings' spouses. Whether a decision on one property counts as affecting the value of
another nearby is the question at the heart of the complaint.

> "Codes like Lakeport's were written with the obvious cases in mind: a councillor voting on their
> own land or their own company's contract. This is the harder, and much more common, case of
> indirect benefit, and the commissioner's finding will matter well beyond one vote."
>
> — Dr. Rosalind Pemberton-Lowe, professor of municipal law at Westbrook University

## What the commissioner can do

The integrity commissioner, Bartholomew Nkemelu, confirmed the investigation but declined to
discuss it. Under provincial law, he has 90 days to report, which can be extended once. If he finds
a breach, council may reprimand the councillor or suspend his pay for up to 90 days. Only a court
can remove a councillor from office or void a vote.

Trust in local government in Lakeport is already fragile. In a survey of 900 residents by
Castlegate Research for the Lakeport Civic Trust earlier this year, 34% said they trusted city
council to act in the public interest, down from 45% four years ago, and 58% said
conflict-of-interest rules for councillors should be stricter.[^2]

Several councillors have called for the rezoning to be reconsidered. Councillor Priyanka
Desrosiers, who voted against it, said she would bring a motion to reopen the decision if the
commissioner finds that a conflict existed. "The waterfront plan deserves a vote that nobody can
question," she said.

Supporters of the rezoning say the land is badly needed for housing, and that the city's planning
staff recommended the change after two years of consultation.

Mr. Halloran, who has represented his ward for eleven years and chairs the city's economic
development committee, has said he will not step aside from his committee role while the
investigation proceeds.

[^1]: Atlas News consulted two accredited real estate appraisers, who reviewed the zoning change
    and comparable sales; both asked not to be named because they work with the city.
[^2]: Castlegate Research for the Lakeport Civic Trust, "Lakeport Civic Attitudes Survey," online
    survey of 900 residents.
""",
        "correction": None,
    },
]
