# ruff: noqa: E501, RUF001
"""Demo stories, set B: thirteen news and analysis pieces for the "Atlas News" demo publication.

Everything here is invented and written for the demo: the people, organisations, polling firms,
think tanks and most places are fictional, and the figures are illustrative. Stories in this set
use even values of ``days_ago``; the companion set uses odd values so the two never collide.
Bodies are Markdown, rendered by ``atlas.lib.markdown.render_markdown`` (tables and footnotes on).
"""

STORIES = [
    {
        "title": (
            "Eastmere council narrowly approves transit levy, setting up a fight over who pays"
        ),
        "subtitle": (
            "An 8–7 vote adds a dedicated charge to property tax bills to restore bus "
            "service. Opponents say outer-ward homeowners will pay for routes they never use."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["cities", "politics", "economy"],
        "days_ago": 2,
        "hour": 18,
        "image_alt": (
            "Illustration: a city bus in profile made of overlapping teal and amber blocks"
        ),
        "body": """Eastmere city council voted 8–7 late Tuesday to add a dedicated transit levy to property tax bills starting next year, ending a four-month debate that filled the council chamber's public gallery for three meetings running.

The levy adds 1.2 per cent to the municipal portion of residential property taxes, or about $46 a year for a household with the median assessed value of $412,000, according to the city's finance department. Commercial properties will pay 1.5 per cent. City staff estimate it will raise $31.8 million in its first full year.

Every dollar is earmarked for the Eastmere Transit Commission, which has cut service on 11 bus routes since 2023 and faces a projected operating shortfall of $27 million next year.

## What the money buys

Under the plan approved Tuesday, the commission would restore 15-minute frequency on its six busiest routes by next autumn, buy 40 battery-electric buses over four years and extend weekend evening service to 1 a.m. About $4 million a year would go into a capital reserve for the long-delayed rapid bus corridor on Kingsway Avenue.

Councillor Teresa Malouf, who chairs the transit committee and moved the motion, said the city had run out of ways to stretch the existing budget.

> “We have been managing decline for five years. Every time we cut a route, ridership drops, fare revenue drops, and we are back here cutting again. This levy breaks that cycle, and it does it with money that can only be spent on transit.”
>
> — Teresa Malouf, chair of Eastmere's transit committee

Figures supplied by the commission show 38.4 million boardings last year, about 81 per cent of the pre-pandemic level. The commission's own modelling projects that restored service would lift that to 42 million within three years, though staff cautioned that the estimate depends heavily on fuel prices and downtown office occupancy.[^1]

## The case against

Opponents argued that the levy lands hardest on residents who do not ride the bus, and that council should have pressed the province for operating money first. Councillor Derek Hanlon, who voted against, said seniors on fixed incomes in the city's outer wards had told him they could not absorb another increase on top of the 3.9 per cent general tax rise approved in the spring.

“Nobody on this council is against buses,” Hanlon said during the debate. “But we are asking homeowners in wards where the nearest stop is a twenty-minute walk away to pay for service they will never see.”

Residents appear split. A survey commissioned by the Eastmere Chamber of Commerce and conducted by Northgate Research found 47 per cent supported a dedicated levy, 44 per cent opposed it and 9 per cent were undecided. Support was highest among residents aged 18 to 34, at 61 per cent, and lowest among those over 65, at 33 per cent. A probability sample of the same size, 1,012 adults, would carry a margin of error of plus or minus 3.1 percentage points, 19 times out of 20.[^2]

The chamber took no position on the levy itself but asked council to phase in the commercial rate over two years. That amendment failed 6–9.

## What happens next

The levy still needs a final bylaw reading, scheduled for next month, which is usually a formality. Hanlon said he would bring a motion to add a five-year sunset clause. Malouf said she would oppose it, because the commission cannot sign long-term bus contracts against a revenue source that might disappear.

Transit advocates in the gallery greeted the result with applause. Noor Haddad, an organiser with the riders' group Move Eastmere, called it “a floor, not a ceiling.”

“Fifteen-minute service on six routes is what we had a decade ago,” Haddad said. “We are grateful, but we are going to keep asking for more.”

The province's municipal affairs ministry said in a statement that it would review the bylaw “in the normal course” and that details of its transit operating grant would come with the spring budget.

[^1]: Eastmere Transit Commission, *Service Restoration Scenarios*, staff report to the transit committee.
[^2]: Northgate Research for the Eastmere Chamber of Commerce, online survey of 1,012 adult residents.
""",
        "correction": None,
    },
    {
        "title": (
            "Heat-pump rebates paid out before anyone checked the installations, auditor finds"
        ),
        "subtitle": (
            "The province's flagship home-heating program spent $182 million in three years. "
            "An audit says it cannot show how much carbon that saved, or who it reached."
        ),
        "authors": ["priya-raman"],
        "tags": ["climate", "economy"],
        "days_ago": 8,
        "hour": 9,
        "image_alt": (
            "Illustration: a stylised heat pump unit with wavy lines in coral and slate grey"
        ),
        "body": """The province's Warm Homes Rebate paid out $182 million over three years without verifying that most of the heat pumps it subsidised were installed as described, the provincial auditor general said in a report tabled Thursday.

The program, launched to cut emissions from home heating, offered rebates of up to $6,500 for air-source heat pumps and $10,000 for ground-source systems. It approved 31,400 applications between its launch and the end of the last fiscal year.

Auditor General Helena Varga found that the energy ministry relied almost entirely on paperwork submitted by contractors. Inspectors visited 0.6 per cent of homes that received rebates, well short of the 5 per cent target set in the program's own design documents.

## What the inspections found

When the auditor's office commissioned its own visits to a random sample of 400 homes, it found problems at 14 per cent of them. In 31 homes the installed unit was smaller than the one claimed; in 12 the existing furnace had been left as the main heat source; and in 9 the auditors could not find a heat pump at all.

> “The ministry set out to pay for outcomes and ended up paying for invoices. It cannot tell this legislature how many tonnes of carbon the program has avoided, because it never collected the information that would let it know.”
>
> — Helena Varga, auditor general of the province

The ministry had reported that the program would avoid 118,000 tonnes of carbon dioxide a year. The audit concluded that figure was overstated by at least 38 per cent, because it assumed every participating home had switched off fossil-fuel heating entirely.[^1]

## Who got the money

The report also found the rebate did little for lower-income households, who spend a larger share of their income on energy. Only 9 per cent of rebates went to households earning less than $60,000 a year, although they make up 34 per cent of the province's homeowners.

That pattern matches independent research. A study by the Lakeshore Energy Lab, which tracked metered electricity and gas use in 1,150 participating homes, found that households in the top income quintile were 4.2 times as likely to apply as those in the bottom quintile. The same study found that homes where the heat pump was properly sized cut their heating emissions by an average of 61 per cent.[^2]

“The technology works,” said Dr. Samuel Achterberg, the lab's research director. “What the numbers show is a program design problem, not a heat-pump problem. If you pay the rebate up front to whoever fills in the form fastest, you get affluent early adopters and a lot of unchecked paperwork.”

## The ministry's response

In a written response included in the report, the energy ministry accepted all 11 of the auditor's recommendations. It said it would raise the inspection rate to 5 per cent by next spring, require commissioning reports signed by a certified technician and introduce an income-tested top-up of up to $4,000.

Energy Minister Caroline Dufresne said in a statement that the program had “helped tens of thousands of families make the switch” and that the government would “tighten the rules without slowing down the transition.”

Opposition energy critic Martin Oyelaran said the findings showed the government had prioritised announcements over delivery. He called for the ministry to recover rebates paid for systems that were never installed, which the audit estimated could reach about $4 million if its sample is representative.

Contractors, for their part, warned against making the program so cumbersome that homeowners give up. The Provincial Heating and Cooling Contractors Association said its members already wait an average of 74 days for rebates to be processed, and that longer delays would push small firms out of the market.

The auditor will report on the ministry's progress in two years.

[^1]: Office of the Auditor General, *Annual Report, Volume 2*, chapter 4: “Warm Homes Rebate Program.”
[^2]: Lakeshore Energy Lab, *Measured Savings from Residential Heat Pump Retrofits*, working paper no. 17.
""",
        "correction": {
            "kind": "correction",
            "text": "An earlier version of this article said the Warm Homes Rebate had spent $212 "
            "million over three years. It is $182 million.",
            "days_after": 1,
        },
    },
    {
        "title": "Halden Bay dockworkers walk out over automated cranes as ships queue offshore",
        "subtitle": (
            "The union says 340 jobs are at stake at Pier 4. The terminal operator says "
            "automation is the only way to keep the port competitive."
        ),
        "authors": ["amara-okafor"],
        "tags": ["trade", "economy"],
        "days_ago": 14,
        "hour": 7,
        "image_alt": (
            "Illustration: shipping containers stacked in muted blue and orange under a grey sky"
        ),
        "body": """Fourteen container ships sat at anchor outside the port city of Halden Bay on Monday, the third day of a walkout by dockworkers over a plan to install automated stacking cranes at the port's largest terminal.

About 1,100 members of the Longshore and Harbour Workers, Local 212, stopped work on Saturday after talks with Halden Bay Terminal Partners, which operates the Pier 4 container terminal, broke down over the terms of the automation project.

The dispute centres on a $640-million plan to replace crane operators in the container yard with remotely supervised, automated equipment over five years. The union says the project would eliminate about 340 positions. The operator puts the figure at 210, and says most of those jobs would disappear through retirements.

## What each side wants

The union is asking for a guarantee that no current member will be laid off because of automation, a retraining fund of $25 million and a say in how remote-operation jobs are staffed.

> “Nobody here is against new equipment. We are against a contract that lets the company decide, on its own, who still has a job in five years. Give us a no-layoff guarantee in writing and we can talk about everything else.”
>
> — Rosa Delacroix, president of Local 212

The operator has offered a no-layoff guarantee for workers with at least 12 years of seniority, a $9-million training fund and first refusal on new remote-operation roles for existing staff.

Ian Whitcombe, a spokesperson for Halden Bay Terminal Partners, said the terminal was losing business to larger automated ports down the coast. “Our berth productivity is about 24 moves per crane-hour. Our competitors are above 30,” he said. “Shipping lines notice that, and they route around us.”

## The cost of waiting

Pier 4 handled about 1.9 million twenty-foot equivalent units, the standard measure of container volume, last year, roughly 58 per cent of the port's total. Most of that is imported consumer goods bound for inland distribution centres and export shipments of lumber, grain and processed food.

An analysis by the Harbourview Institute, an independent trade research group, estimated that each day of disruption at the terminal delays about $85 million worth of cargo. The institute found that after a similar 11-day stoppage six years ago, it took the port seven weeks to clear the backlog, and two shipping lines permanently moved one weekly service elsewhere.[^1]

“The direct cost of a strike is the cargo that sits still,” said Lena Moritz, the institute's senior trade economist. “The indirect cost is the schedules that get redrawn around you, and those are much harder to win back.”

Exporters are already feeling it. The Prairie Grain Shippers' Council said 23 rail cars of canola were being held at an inland terminal because there was no room at the port to receive them.

## Pressure from outside

The federal labour minister's office said Sunday it had appointed a mediator and “urged both parties to return to the table.” It did not rule out back-to-work legislation, which would need the support of at least one opposition party.

A survey by Meridian Polling conducted over the weekend found 52 per cent of residents in the Halden Bay region sympathised more with the workers, compared with 29 per cent who sided with the operator; 19 per cent were unsure. The survey of 640 adults has a margin of error of plus or minus 3.9 percentage points, 19 times out of 20.[^2]

Automation disputes at ports are rarely settled on wages alone, said Dr. Kwame Asante, who studies maritime labour at Halden Bay University. He said the agreements that held up best elsewhere had tied the pace of automation to attrition and given unions a formal role in training.

“The companies that tried to buy their way out with a one-time payment usually ended up back in a dispute within five years,” Asante said.

[^1]: Harbourview Institute, *Freight and Tariffs Quarterly*, special briefing on port disruption costs.
[^2]: Meridian Polling, Halden Bay regional omnibus survey, 640 adults, conducted by telephone and online.
""",
        "correction": {
            "kind": "update",
            "text": "Since this article was published, Local 212 and Halden Bay Terminal Partners "
            "agreed to return to work while talks continue under the federal mediator. Both "
            "sides said the automation schedule would be the first item on the agenda.",
            "days_after": 3,
        },
    },
    {
        "title": (
            "Emergency-room waits hit a record as admitted patients spend nearly two days in "
            "hallways"
        ),
        "subtitle": (
            "A new provincial report finds the longest waits are not for a doctor, but for a "
            "hospital bed once the decision to admit has been made."
        ),
        "authors": ["priya-raman"],
        "tags": ["health"],
        "days_ago": 22,
        "hour": 11,
        "image_alt": (
            "Illustration: a row of empty hospital chairs in pale green with a clock overhead"
        ),
        "body": """Patients admitted to hospital through the province's emergency departments waited longer for a bed last year than at any point since reporting began, according to an annual report released Wednesday by the Provincial Health Quality Office.

Nine in ten admitted patients left the emergency department within 41.2 hours, the office found. That 90th-percentile figure was 29.7 hours five years ago, an increase of 39 per cent. The provincial target is eight hours.

The report, which draws on 6.3 million emergency visits to 142 hospitals, shows that the time patients wait to see a doctor has also grown, but more slowly. The median time to a physician's first assessment rose to 2.1 hours, from 1.6 hours five years earlier.[^1]

## The bottleneck is upstairs

Emergency physicians have long argued that their departments are where problems elsewhere in the hospital become visible. The new data supports that view. Hospitals reported that on an average day, 18 per cent of their acute-care beds were occupied by patients who no longer needed hospital care but were waiting for a place in long-term care, home care or rehabilitation.

When those beds are full, patients who need admission stay in the emergency department, often on stretchers in corridors, and the department has less space for new arrivals.

> “We are running an inpatient ward in the hallway of the emergency department, with emergency staffing. Every stretcher with an admitted patient on it is a stretcher we cannot use for the next person who comes through the door with chest pain.”
>
> — Dr. Anita Sorensen, emergency physician and chief of staff at Riverside General Hospital

Riverside General, which serves about 410,000 people, reported a 90th-percentile wait for admitted patients of 63 hours, among the longest in the province.

## Who leaves without being seen

The report also tracked patients who left before a doctor saw them. That share rose to 6.8 per cent of all visits, from 3.9 per cent five years ago, or roughly 430,000 visits last year.

A separate study by researchers at the Northfield School of Public Health followed 22,000 patients who left without being seen and found that 2.4 per cent of them returned to an emergency department within a week with a more serious condition. Patients over 75 were twice as likely as younger patients to return.[^2]

“People do not leave because they have suddenly got better,” said Dr. Jerome Baptiste, the study's lead author. “They leave because they have been sitting for eight hours and have to pick up a child, or go to work, or they simply give up.”

## What the province says

Health Minister Leonora Whitfield said in a statement that the government had funded 1,800 new long-term care beds that will open over the next two years and was expanding a program that pays paramedics to offload patients to nurses more quickly.

The office's chief executive, Dr. Paul Mendes, said those measures would help but warned that the underlying demand was growing. Emergency visits by people over 80 increased 22 per cent over five years, he said, while the number of acute-care beds per 1,000 residents fell slightly.

The Provincial Nurses' Association said staffing was the missing piece. A survey of its members found 58 per cent of emergency nurses had worked overtime at least once a week over the past three months, and 37 per cent said they intended to leave emergency nursing within two years.

Hospital administrators said some improvements were already visible. Four hospitals that introduced a dedicated discharge team this year cut their average length of stay for medical patients by half a day, Mendes said, “which sounds small until you multiply it across every bed in the building.”

[^1]: Provincial Health Quality Office, *Time Spent in Emergency Departments*, annual report.
[^2]: Northfield School of Public Health, *Outcomes After Leaving the Emergency Department Without Being Seen*, research brief.
""",
        "correction": None,
    },
    {
        "title": "Riverside County voters to decide on a 4% cap on rent increases",
        "subtitle": (
            "Measure H would limit annual increases for most apartments built more than 15 "
            "years ago. Landlords warn of fewer new units; tenant groups say the status quo "
            "is worse."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["cities", "politics", "economy"],
        "days_ago": 30,
        "hour": 14,
        "image_alt": (
            "Illustration: a row of apartment windows in warm ochre, one lit with a ballot box"
        ),
        "body": """Voters in Riverside County will decide next month whether to cap annual rent increases on most older apartments, in the most closely watched housing vote the county has held in a generation.

Measure H would limit yearly rent increases to 4 per cent or the rate of inflation plus two percentage points, whichever is lower, for rental buildings more than 15 years old. Newer buildings, owner-occupied duplexes and units rented by non-profit housing providers would be exempt. A new county rent board would hear disputes.

The measure qualified for the ballot in the summer after organisers gathered 48,900 valid signatures, about 11,000 more than required.

## Why now

Rents in the county have risen faster than incomes for most of the past decade. The median asking rent for a two-bedroom apartment reached $1,940 a month this year, up 27 per cent in four years, according to the county planning department. Median renter household income rose 12 per cent over the same period.

The rental vacancy rate stands at 2.1 per cent. Housing economists generally regard 3 to 5 per cent as a balanced market.

> “I have lived in the same building for nine years. My rent has gone up by $640 a month in that time, and the only thing that has changed in the apartment is the lock on the front door.”
>
> — Marisol Vega, a home-care worker and volunteer with Riverside Tenants United

Tenant advocates say the measure would mainly stop the largest increases. County data shows that 14 per cent of renewing tenants last year faced an increase of more than 10 per cent.

## The case against

The Riverside Rental Housing Association, which represents landlords owning about 38,000 units, has raised $2.7 million to oppose the measure, according to campaign finance filings. Supporters have raised $880,000.

Gordon Ashby, the association's executive director, said a cap would discourage owners from maintaining older buildings and would push some to sell units as condominiums. “When the return on an older building is capped, the money for a new roof or a new boiler has to come from somewhere,” he said.

Critics also point to the research on rent regulation, which generally finds that caps help tenants who stay put but can reduce the supply of rental housing over time. A review of 32 studies by the Calloway Center for Urban Economics found that strict caps were associated with a reduction in rental supply in most cases, but that measures with an inflation-linked ceiling and an exemption for new construction had much smaller effects.[^1]

“The design details matter more than the label,” said Dr. Hannah Okonkwo, who led the review. “A cap tied to inflation, with new buildings exempt, is a very different instrument from a hard freeze.”

## Where voters stand

A poll by Bellwether Opinion Research found 52 per cent of likely voters intend to vote yes, 39 per cent no and 9 per cent undecided. Among renters, support was 71 per cent; among homeowners, 38 per cent. The telephone and online survey of 812 likely voters has a margin of error of plus or minus 3.4 percentage points.[^2]

Ballot measures that start with a modest lead often lose ground as opponents' advertising arrives, said Dana Whitlock, Bellwether's research director. “A 13-point lead a month out is meaningful,” she said, “but this one will be decided by how many renters actually turn out.”

County officials estimate that running the rent board would cost about $3.1 million a year, to be paid from a registration fee of $48 per unit charged to landlords.

If the measure passes, it would take effect on the first day of the following quarter and would apply to increases announced after election day.

[^1]: Calloway Center for Urban Economics, *Rent Regulation and Housing Supply: A Review of the Evidence*.
[^2]: Bellwether Opinion Research, Riverside County likely-voter survey, 812 respondents.
""",
        "correction": None,
    },
    {
        "title": (
            "A smoky summer in numbers: 23 high-risk days, six school closures and a spike in"
            " asthma visits"
        ),
        "subtitle": (
            "Public health officials say this was the region's second-worst wildfire smoke "
            "season on record, and they want clean-air rooms in every school before the next "
            "one."
        ),
        "authors": ["priya-raman"],
        "tags": ["climate", "health"],
        "days_ago": 38,
        "hour": 8,
        "image_alt": (
            "Illustration: a hazy orange sun over a faint city skyline in layered grey bands"
        ),
        "body": """The region recorded 23 days this summer when wildfire smoke pushed air quality into the high-risk range, making it the second-worst smoke season since monitoring began, according to a review published Monday by the regional public health authority.

Only one year on record was worse, with 29 high-risk days. In a typical summer a decade ago, the region saw fewer than three.

The smoke came mostly from large fires burning more than 400 kilometres to the north and west. On the worst day, hourly concentrations of fine particulate matter, known as PM2.5, peaked at 310 micrograms per cubic metre at the downtown monitoring station, more than 20 times the daily guideline level.[^1]

## The health toll

Emergency departments in the region recorded 34 per cent more visits for asthma in July and August than the average for the same months over the previous five years. Visits for chronic obstructive pulmonary disease rose 19 per cent. Children under 10 and adults over 65 accounted for most of the increase.

> “Smoke is not just a bad-air day that people can wait out. A week of it is a real exposure, and we see the consequences in our emergency departments, our respiratory clinics and, later, in our pharmacies.”
>
> — Dr. Marguerite Osei, the region's medical officer of health

School boards closed or moved classes online on six days in late August and early September, the review found, affecting about 41,000 students. Outdoor summer camps run by the city cancelled activities on 11 days.

The review also estimated the economic cost. Drawing on a model developed by the Northfield School of Public Health, it put the cost of lost work and school days, medical care and premature deaths associated with the season's smoke at about $210 million.

## What helped

Portable air cleaners appear to have made a measurable difference. The health authority distributed 4,800 units to low-income households, seniors' residences and child-care centres this summer. Indoor sensors placed in 120 of those locations showed particle levels an average of 68 per cent lower in rooms with a running air cleaner than in comparable rooms without one.

A follow-up survey of 900 residents by the authority found that 62 per cent had checked the air quality forecast at least once a week during the season, up from 41 per cent two years ago. But only 28 per cent of renters said they had a way to filter the air in their homes, compared with 49 per cent of homeowners.

Priyanka Desai, who manages a seniors' residence in the east end, said the units were the difference between residents staying in their rooms and being moved. “We set up one common room with four air cleaners and kept the doors shut,” she said. “On the worst days that room was full from breakfast to bedtime.”

## Preparing for next year

The review makes 14 recommendations. The most expensive would require every public school to have at least one room with high-efficiency filtration that can serve as a clean-air space, at an estimated cost of $18 million across the region's 210 schools.

It also calls for the authority to issue smoke forecasts three days in advance rather than one, and for the city to extend cooling-centre hours to cover smoke events, since many of the same residents are vulnerable to both heat and smoke.

Osei said the region should plan on the assumption that this summer was not an outlier. Provincial fire agencies reported that the area burned this year was roughly 2.5 times the 20-year average.

“We used to treat smoke as an emergency,” she said. “We now have to treat it as a season.”

[^1]: Regional Public Health Authority, *Wildfire Smoke Season Review*, with air monitoring data from the provincial environment ministry.
""",
        "correction": None,
    },
    {
        "title": "Trade tribunal extends steel surtax for three years but narrows it",
        "subtitle": (
            "Domestic mills won an extension of the 25% surtax on flat-rolled imports. "
            "Fabricators who buy that steel won exemptions on four products they say they "
            "cannot source at home."
        ),
        "authors": ["amara-okafor"],
        "tags": ["trade", "economy"],
        "days_ago": 48,
        "hour": 10,
        "image_alt": (
            "Illustration: coiled steel rolls rendered in brushed silver against deep navy"
        ),
        "body": """The federal trade remedies tribunal on Friday extended a 25 per cent surtax on imports of certain flat-rolled steel for three more years, but removed four specialised products from its scope after fabricators argued they could not buy them from domestic mills.

The ruling is a partial win for both sides in a dispute that has pitted the country's three integrated steel producers against the much larger number of manufacturers who turn steel into everything from farm equipment to appliances.

The surtax was first imposed four years ago, after a surge in imports that the tribunal found had pushed domestic prices down by 18 per cent in 14 months. Domestic mills asked for the measure to be renewed for five years; a coalition of fabricators asked for it to lapse.

## What the tribunal decided

In a 212-page decision, the three-member panel found that removing the surtax would likely lead to a renewed increase in imports and “material injury” to domestic producers. But it said the measure should not apply to products that domestic mills do not make in commercial quantities.

> “A safeguard that protects producers from imports they compete with is one thing. A surcharge on goods no domestic mill can supply is simply a tax on the manufacturers who need them, and this tribunal has no mandate to impose one.”
>
> — Presiding Member Adaeze Nwosu, in the tribunal's reasons

The four excluded products include ultra-thin galvanised sheet used in heating ducts and a grade of high-strength plate used in mining equipment. Together they accounted for about 11 per cent of the imports covered by the original measure, by value.

## The numbers behind the case

Since the surtax took effect, the import share of the domestic flat-rolled market has fallen from 31 per cent to 22 per cent, according to evidence filed with the tribunal. Capacity utilisation at domestic mills rose from 68 per cent to 81 per cent, and the three producers reported adding about 1,400 jobs.

Fabricators argue those gains came at their expense. The Steel Users' Alliance, a coalition of buyers representing 260 manufacturers, said its members paid an average of 14 per cent more for covered steel than competitors in neighbouring markets, and that 37 of its members had lost contracts to foreign suppliers of finished goods.

An independent analysis by the Harbourview Institute estimated that the surtax cost steel-using industries about $420 million a year in higher input costs, while adding about $310 million a year to the revenues of domestic mills. The institute found the net effect on national employment was small but negative.[^1]

“Tariffs on an intermediate good are a transfer from the users of that good to its producers,” said Lena Moritz, the institute's senior trade economist. “Whether that transfer is worth it depends on how much you value keeping primary steel capacity in the country, which is a strategic question as much as an economic one.”

## Reaction

Viktor Hale, president of the Domestic Steel Producers' Council, called the extension “the right decision for thousands of workers in steel towns,” but said the exclusions would “create a loophole that importers will try to drive a truck through.”

Mirela Santos, chair of the Steel Users' Alliance, said her members were relieved by the exclusions but disappointed by the extension. “Three more years of paying a premium that our competitors abroad don't pay is three more years of losing bids,” she said.

Either side can ask the federal court of appeal to review the decision within 30 days. The tribunal also directed the trade ministry to report annually on import volumes, so that the surtax could be revisited early if conditions change.

[^1]: Harbourview Institute, *Freight and Tariffs Quarterly*, analysis of the flat-rolled steel safeguard.
""",
        "correction": None,
    },
    {
        "title": (
            "A year after the minimum wage rose 11%, a new study finds pay up and jobs mostly"
            " steady"
        ),
        "subtitle": (
            "Researchers compared the province with a neighbouring one that did not raise its"
            " wage floor. Hours dipped slightly in restaurants; business groups say the full "
            "effect is not yet visible."
        ),
        "authors": ["priya-raman", "amara-okafor"],
        "tags": ["economy", "politics"],
        "days_ago": 60,
        "hour": 12,
        "image_alt": (
            "Illustration: a stack of coins beside a rising line chart in soft green and cream"
        ),
        "body": """The province's decision to raise its minimum wage by 11 per cent last year lifted the pay of low-wage workers without a measurable loss of jobs overall, according to a study released Tuesday by the Kestrel Policy Institute, an independent economic research group.

The general minimum wage rose from $15.50 to $17.20 an hour. At the time it was the largest single increase in more than a decade, and business groups warned it would lead to layoffs and closures, particularly in restaurants and retail.

## What the study found

The researchers compared payroll records for about 2.4 million workers in the province with those in a neighbouring province where the minimum wage rose only with inflation, by 3.1 per cent. They followed both over the 12 months before and after the increase.

Average hourly earnings for workers who had been paid within $2 of the old minimum rose by 8.3 per cent relative to the comparison group. Employment in those jobs fell by 0.4 per cent relative to the neighbouring province, a difference the authors said was within the study's margin of error.[^1]

In food services, the sector with the most minimum-wage workers, the picture was more mixed. Employment was essentially unchanged, but average weekly hours fell by 1.1 per cent, and the study found evidence that some restaurants raised menu prices by 2 to 3 per cent.

> “The short version is that workers got most of the raise, employers absorbed some of it, and customers paid a bit more for a sandwich. We did not find the large job losses that were predicted, but we are careful not to say there were no costs at all.”
>
> — Dr. Felicity Mwangi, senior economist at the Kestrel Policy Institute and the study's lead author

## What it does not show

The study covers only the first year. Economists who are sceptical of large minimum-wage increases note that employers may respond gradually, by automating, opening fewer new locations or hiring more slowly rather than by laying off existing staff.

Gareth Llewellyn, chief economist at the Provincial Federation of Independent Business, said the federation's own survey of 1,340 members found that 41 per cent had delayed hiring and 23 per cent had reduced staff hours because of the increase.

“A year is not long enough to see what happens to the businesses that never open,” Llewellyn said. “Our members tell us they are not replacing people who leave. That does not show up as a layoff.”

The Kestrel authors acknowledged that limitation. They found a small decline in the number of new restaurant establishments registered in the province, about 3 per cent relative to the comparison region, but said it was too early to tell whether it would persist.

## The politics

The findings arrive as the government weighs whether to index the minimum wage to inflation automatically or to set it by regulation each year. Labour Minister Julien Carrow said the study “confirms that a fair wage and a strong economy go together,” and that the government would announce its decision before the end of the year.

Opposition economy critic Beatrice Lam said the government was cherry-picking. “One study over one year does not settle this,” she said, calling for an independent wage commission similar to those used in other jurisdictions.

Public opinion leans in favour. A survey by Meridian Polling found 64 per cent of residents supported tying the minimum wage to inflation, 22 per cent opposed and 14 per cent had no opinion. The online survey of 1,500 adults has a comparable margin of error of plus or minus 2.5 percentage points.[^2]

About 380,000 workers in the province, or roughly 6 per cent of employees, earn within a dollar of the minimum wage. Two-thirds of them are 25 or older.

[^1]: Kestrel Policy Institute, *The First Year of a $17.20 Minimum Wage*, research report.
[^2]: Meridian Polling, provincial omnibus survey, 1,500 adults, conducted online.
""",
        "correction": None,
    },
    {
        "title": (
            "Calder's lead-pipe replacement is years behind schedule. A new plan would pay "
            "for the private side"
        ),
        "subtitle": (
            "The city has replaced fewer than one in six of its 18,400 lead service lines. "
            "Officials want the utility to cover the homeowner's share for low-income "
            "households."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["cities", "health"],
        "days_ago": 72,
        "hour": 15,
        "image_alt": (
            "Illustration: a cross-section of a street with a copper-coloured pipe running to"
            " a house"
        ),
        "body": """Calder's water utility has replaced 2,900 of the city's estimated 18,400 lead service lines in the two years since it launched its replacement program, putting it well behind the pace needed to meet its 2032 deadline, according to a progress report presented to city council on Monday.

At the current rate of about 1,450 replacements a year, the work would not be finished until about 2037. To meet the deadline, the utility would need to nearly double its pace.

Service lines are the pipes that carry water from the main under the street into individual homes. In Calder, as in many older cities, those installed before the 1950s were often made of lead. Lead exposure has no known safe level and is particularly harmful to young children, whose developing brains are most vulnerable.

## Why it has been slow

The biggest obstacle, the report says, is that each service line has two owners. The utility owns the section from the main to the property line; the homeowner owns the section from the property line to the house.

The utility pays to replace its side. Homeowners are asked to pay for theirs, at an average cost of about $4,200 out of a total of $9,800 per line. Replacing only the public side can temporarily increase lead levels, because cutting the pipe disturbs the scale that lines its interior, so the utility generally will not proceed unless the homeowner agrees to replace the private side too.

Only 38 per cent of homeowners who were offered a replacement last year agreed to pay their share, the report found. Take-up was 61 per cent in the city's highest-income neighbourhoods and 19 per cent in the lowest.

> “We have the crews, we have the pipe, and we have streets where we could replace every line in a week. What we don't have is consent from households who cannot find four thousand dollars, and I don't blame them.”
>
> — Ruth Adeyemi, general manager of Calder Water

## What the testing shows

The utility tested tap water in 1,200 homes known to have lead service lines last year. In 7 per cent of them, the first litre drawn after water had sat in the pipes overnight exceeded 5 micrograms per litre, the federal guideline. The highest reading was 38 micrograms per litre.[^1]

The utility adds a corrosion inhibitor to the water supply, which reduces but does not eliminate the lead that dissolves from old pipes. It also provides free filters certified to remove lead to households with children under six and to pregnant residents; about 4,100 have been distributed.

Dr. Tomasz Wren, a paediatrician and member of the city's board of health, said filters were a stopgap. “A filter works when it is installed, maintained and used for every glass of water and every bottle of formula,” he said. “Replacing the pipe works every time.”

## The proposal

Staff recommended that the utility pay the full cost of the private side for households that qualify for the city's existing low-income water rate assistance, and pay half for everyone else. The change would cost an estimated $38 million over ten years, funded partly by a federal infrastructure grant and partly by an increase of about 1.8 per cent in water rates.

A survey of 600 residents conducted for the utility by Harbour Lane Research found that 71 per cent supported using water rates to cover the private side, and 54 per cent said they would support it even if their own bill rose by $40 a year.

Councillor Ahmed Farouk, who chairs the infrastructure committee, said he expected the proposal to pass but wanted a clearer public map showing which addresses have lead lines. The utility says it has confirmed the material of 72 per cent of service lines and estimated the rest from construction records.

Council is expected to vote on the plan next month. If it passes, the utility says it could reach 3,000 replacements a year within two years.

[^1]: Calder Water, *Lead Service Line Replacement Program: Progress Report*, with residential sampling results.
""",
        "correction": None,
    },
    {
        "title": "What the Westbrook–Lakeside by-election tells us, and what it doesn't",
        "subtitle": (
            "People's Renewal took a seat the governing Civic Alliance had held for 20 years."
            " The swing was real, but so was a turnout of under a third."
        ),
        "authors": ["amara-okafor", "jonas-lindqvist"],
        "tags": ["politics"],
        "days_ago": 86,
        "hour": 7,
        "image_alt": (
            "Illustration: a ballot paper folded into a paper boat on a navy and crimson field"
        ),
        "body": """For the first time in 20 years, the riding of Westbrook–Lakeside will be represented by someone who is not a member of the governing Civic Alliance.

Fatima Rahimi, a former school principal running for People's Renewal, won Monday's by-election with 41.2 per cent of the vote, according to preliminary results from the provincial elections office. The Civic Alliance candidate, Councillor Brent Tolliver, finished second with 33.6 per cent. The Green Future candidate took 14.9 per cent, and four other candidates shared the rest.[^1]

At the last general election, the Civic Alliance won the seat with 48.7 per cent to People's Renewal's 27.3 per cent. That amounts to a swing of roughly 14.5 percentage points from the governing party to the opposition, the largest in a provincial by-election in more than a decade.

## A warning, with caveats

Turnout was 31.8 per cent, down from 58.4 per cent at the general election. By-elections almost always draw fewer voters, and those who turn out tend to be older, more politically engaged and more likely to be motivated by dissatisfaction.

That makes it risky to project the result province-wide, said Dr. Ingrid Halvorsen, a political scientist at Halden Bay University who studies by-elections.

> “By-elections are a referendum on the government held among the people most annoyed with it. A swing of this size is a real signal, but it is a signal from a third of the electorate, and governments have recovered from worse.”
>
> — Dr. Ingrid Halvorsen, Halden Bay University

Halvorsen's analysis of 46 provincial by-elections over three decades found that the governing party's vote share fell by an average of 7 points from the previous general election. In the following general election, the party recovered about half of that loss on average.

## Where the vote moved

An Atlas News analysis of results from the riding's 112 polling stations suggests the swing was not uniform. In the 38 stations in the Lakeside neighbourhoods, where the share of renters is highest, the Civic Alliance vote fell by an average of 19 points. In the 41 suburban stations in Westbrook, it fell by 9.

Rahimi campaigned heavily on housing costs and the province's hospital wait times. Tolliver focused on a promised highway interchange and the government's record on job creation.

Exit interviews conducted by Bellwether Opinion Research with 703 voters found that 34 per cent named the cost of housing as their most important issue, followed by health care at 27 per cent and the economy at 18 per cent. Among voters who chose housing, Rahimi won 58 per cent.[^2]

“People on my street are paying half their income in rent,” said Lorraine McAllister, a retired bus driver who said she had voted for the Civic Alliance in every election since she was 18. “I couldn't do it this time.”

## What the parties said

Premier's office spokesperson Declan Moore said the government “respects the decision of the voters of Westbrook–Lakeside” and noted that by-elections “are historically difficult for any government.”

People's Renewal leader Sunita Vargas called the result “a message that will be heard in every riding in the province.” The party holds 31 of the legislature's 87 seats, to the Civic Alliance's 49.

The Green Future result was its best in the riding and may matter more than it appears. In 17 polling stations, the combined People's Renewal and Green Future vote exceeded 60 per cent, a pattern that, if repeated, could complicate both opposition parties' calculations about where to compete at the next general election, which must be held within 22 months.

Final results, including mail-in ballots, are expected by the end of the week. The elections office said about 2,100 mail-in ballots remain to be counted, fewer than Rahimi's margin of 3,180 votes.

[^1]: Provincial Elections Office, preliminary results for the Westbrook–Lakeside by-election.
[^2]: Bellwether Opinion Research, Westbrook–Lakeside exit survey, 703 voters interviewed at 20 polling stations.
""",
        "correction": None,
    },
    {
        "title": "Explainer: how a carbon border adjustment works, and who ends up paying",
        "subtitle": (
            "The government plans to charge importers for the carbon emitted making certain "
            "goods. Here is how the charge is calculated, which products are covered and why "
            "trading partners object."
        ),
        "authors": ["amara-okafor", "priya-raman"],
        "tags": ["trade", "climate", "economy"],
        "days_ago": 100,
        "hour": 9,
        "image_alt": (
            "Illustration: a cargo ship crossing a dotted border line with a small cloud of "
            "grey hexagons"
        ),
        "body": """The federal government this week published draft legislation for a carbon border adjustment, a charge on certain imports based on the greenhouse gases emitted in producing them. It would be phased in over four years starting in 2028.

The idea has been discussed for more than a decade and is now used or planned by several major trading partners. It is also one of the least understood parts of climate policy. Here is how it would work.

## The problem it tries to solve

Domestic producers of steel, cement and other heavy industrial goods pay a carbon price on their emissions, currently $95 a tonne and scheduled to rise. Many foreign producers do not pay a comparable price.

That creates two concerns. The first is competitiveness: domestic producers say they are undercut by imports that do not carry the same cost. The second is what economists call carbon leakage, where production, and the emissions that go with it, simply move to places with weaker climate rules. If that happens, the domestic carbon price reduces emissions on paper but not in the atmosphere.

## How the charge is calculated

In broad terms, the importer pays the difference between the domestic carbon price and any carbon price already paid in the country of origin, multiplied by the emissions embedded in the product.

Take a tonne of imported steel that emitted 2.0 tonnes of carbon dioxide to produce. If the domestic carbon price is $95 a tonne and the exporting country charges $20, the importer would owe $75 for each tonne of embedded emissions, or $150 on that tonne of steel.

Importers that cannot document the actual emissions of their goods would be charged using a default value, set at a level intended to be higher than most real producers' emissions. That gives foreign producers an incentive to measure and report.

## What would be covered

The draft covers six product groups, chosen because they are emissions-intensive and widely traded:

- iron and steel, including many finished steel products
- aluminium
- cement and clinker
- nitrogen fertilisers
- hydrogen
- electricity imported through interconnections

Together these accounted for about $14.6 billion in imports last year, roughly 2.5 per cent of total goods imports, according to the finance ministry's background paper.[^1]

## Who pays

Legally, the importer. In practice, the cost is shared among foreign producers, importers and domestic buyers in proportions that depend on market conditions.

A study by the Harbourview Institute estimated that, at full implementation, the charge would raise about $1.1 billion a year. It found that roughly 60 per cent of the cost would be passed on to domestic buyers of the covered goods, such as construction firms and farmers, with the remainder absorbed by foreign producers through lower prices.[^2]

> “For a farmer, this shows up on the fertiliser invoice. For a builder, it shows up in the price of rebar and cement. It is a climate policy, but people will experience it as a price change, and the government should be honest about that.”
>
> — Lena Moritz, senior trade economist at the Harbourview Institute

The government says it will use the revenue partly to support domestic industries decarbonising their production and partly to fund climate programs in lower-income exporting countries.

## Why trading partners object

Several exporting countries have argued that border adjustments amount to disguised protectionism, and that they penalise developing economies that are responsible for a small share of historical emissions. Trade lawyers say the legal test is whether the measure treats imported and domestic goods even-handedly.

Dr. Chidi Okeke, who teaches international trade law at Northfield University, said the design choices matter. “If the charge mirrors exactly what domestic producers pay, and if free allowances for domestic industry are phased out on the same schedule, it is on much firmer ground,” he said.

The consultation period on the draft runs for 90 days.

[^1]: Department of Finance, *Border Carbon Adjustment: Background Paper and Draft Regulations*.
[^2]: Harbourview Institute, *Freight and Tariffs Quarterly*, modelling of border carbon adjustment incidence.
""",
        "correction": None,
    },
    {
        "title": (
            "At the Linden Square market, vendors and shoppers feel food inflation from both sides"
        ),
        "subtitle": (
            "Grocery prices are rising more than twice as fast as prices overall. Farmers say"
            " their costs are up too, and their margins are thinner than shoppers assume."
        ),
        "authors": ["jonas-lindqvist"],
        "tags": ["economy", "cities"],
        "days_ago": 118,
        "hour": 10,
        "image_alt": (
            "Illustration: market stall crates of tomatoes and greens in loose watercolour strokes"
        ),
        "body": """By 8 a.m. on Saturday, the line at the Hollis Family Farm stall at the Linden Square market stretched past the coffee cart. A sign above the tomatoes read $6 a kilogram. Last summer, it said $5.

“People look at the sign, and then they look at me,” said Martha Hollis, who has farmed 40 hectares north of the city with her husband for 22 years. “I understand. I look at my fuel bill the same way.”

Food prices in the province rose 5.8 per cent over the past 12 months, according to the latest consumer price data, more than twice the 2.6 per cent increase in overall prices. Fresh vegetables rose 9.1 per cent, and fresh fruit 6.4 per cent. Meat was up 7.2 per cent.

## Costs on the farm

Vendors at the market said their own costs have risen faster than their prices. A survey of 60 vendors by the Linden Square Market Association found that 78 per cent had raised prices this season, by a median of 12 per cent. But 64 per cent said their costs for fuel, fertiliser, packaging and labour had risen by more than that.[^1]

Farm input prices tell a similar story. Nitrogen fertiliser costs remain about 40 per cent higher than five years ago, and the province's agricultural wage rate rose 9 per cent this year.

“The assumption is that the farmer is getting rich when the price goes up,” said Devon Achebe, the association's manager. “For most of our vendors, the price going up is the only reason they are still here.”

Weather has added to the pressure. A dry spring followed by heavy rain in July cut yields of several crops. Hollis said her tomato harvest was down by about a quarter.

## Where the money goes

Research by the Calloway Center for Urban Economics has found that, on average, farmers receive about 27 cents of every dollar consumers spend on fresh vegetables at supermarkets, with the rest going to transport, processing, storage and retail. At farmers' markets, where growers sell directly, the share is much higher, but so is the labour: a market day can mean a 4 a.m. start and 14 hours on the road and behind the stall.

The centre's analysis of grocery prices found that retail margins on fresh food had widened slightly over the past two years, by about 1.5 percentage points, though it cautioned that the data available to researchers is limited.[^2]

Dr. Renata Kowalczyk, who led that analysis, said no single link in the chain explained the increase. “Energy, labour, weather and the exchange rate all push in the same direction at the moment,” she said. “That is unusual, and it is why prices have been stickier than many people expected.”

## Shoppers adjusting

Shoppers at the market said they were changing how they buy. Several said they now came near closing time, when some vendors discount produce they would otherwise take home.

> “I used to fill two bags without thinking. Now I come with a list and a number in my head, and when I reach the number, I stop.”
>
> — Gloria Fenwick, a retired teacher who has shopped at Linden Square for 15 years

The market's food-access program, which matches the value of provincial nutrition benefits spent at participating stalls, handed out $214,000 in matching credits this year, up 31 per cent from last year. The city's largest food bank reported a 22 per cent increase in visits over the same period.

Economists expect some relief. The central bank's latest outlook projects food inflation will ease to about 3 per cent next year as energy costs stabilise. For vendors, that would mean holding prices, not cutting them.

“I'd be happy if next year's sign says the same as this year's,” Hollis said.

[^1]: Linden Square Market Association, *Vendor Cost Survey*, 60 respondents.
[^2]: Calloway Center for Urban Economics, *Farm-to-Retail Price Spreads for Fresh Produce*, policy brief.
""",
        "correction": None,
    },
    {
        "title": (
            "The longer commute: how far, how long and how residents get to work, by the numbers"
        ),
        "subtitle": (
            "The median one-way commute in the region has grown to 31 minutes. We analysed "
            "24,000 household travel diaries to see who is spending the most time in transit."
        ),
        "authors": ["priya-raman", "jonas-lindqvist"],
        "tags": ["cities", "climate"],
        "days_ago": 144,
        "hour": 13,
        "image_alt": (
            "Illustration: looping transit lines in saffron and indigo on a grid of city blocks"
        ),
        "body": """The typical worker in the region now spends 31 minutes getting to work, up from 27 minutes eight years ago, according to an Atlas News analysis of the latest regional household travel survey.

That increase of four minutes each way adds up to roughly 32 extra hours a year for a full-time worker, or nearly a full working week spent in a car, on a bus or on a train.

The survey, conducted every four years by the regional transportation planning agency, asks a random sample of households to record every trip they take on a given day. The latest edition gathered travel diaries from 24,000 households, covering about 51,000 people.[^1]

## How people get to work

Driving alone remains the dominant way to commute, but its share has slipped. The proportion of commuters who drive alone fell from 68 per cent to 64 per cent, while working from home on the survey day rose from 4 per cent to 13 per cent.

Commute time varies sharply by how people travel:

| Mode | Share of commuters | Median one-way time |
| --- | --- | --- |
| Drive alone | 64% | 27 min |
| Public transit | 14% | 48 min |
| Carpool | 6% | 30 min |
| Walk or cycle | 3% | 18 min |
| Worked from home | 13% | none |

Shares are of all workers on the survey day. Other modes, such as taxis and motorcycles, account for less than 1 per cent and are not shown.

## The transit gap

The most striking number in the survey is the gap between driving and transit. Transit riders take a median of 48 minutes to get to work, 21 minutes longer than solo drivers. For riders who need to transfer at least once, the median rises to 61 minutes.

That gap falls hardest on people with the least choice. Among commuters in households earning less than $40,000 a year, 31 per cent took transit, compared with 8 per cent in households earning more than $150,000.

> “A lot of the debate about transit treats it as a lifestyle choice. For a large share of riders it isn't. They ride because they don't have a car, and the price they pay is an extra 40 minutes a day that a driver in the same neighbourhood doesn't pay.”
>
> — Dr. Yusuf Kamara, transportation researcher at the Northfield School of Urban Planning

Kamara's research team has found that cutting average transit waiting time by five minutes would do more to narrow the gap than any speed improvement short of a new rail line.

## Where commutes grew

Commutes grew most in the region's outer suburbs, where new housing has been built far from job centres. Residents of the fast-growing northern townships reported a median commute of 42 minutes, up from 33 minutes eight years ago. In the inner city, the median was essentially unchanged at 24 minutes.

Distance explains much of that. The median commute distance for outer-suburban residents was 23 kilometres, more than three times the 7 kilometres for inner-city residents.

## The emissions angle

Longer car commutes also mean more emissions. Using standard emission factors for the region's vehicle fleet, we estimate commuting by car produces about 1.9 million tonnes of carbon dioxide a year, roughly 14 per cent of the region's transportation emissions.

A shift of 5 percentage points of solo drivers to transit or remote work would cut that by about 150,000 tonnes a year, according to the planning agency's own sensitivity analysis, about the same as taking 33,000 cars off the road.

The agency's chief planner, Miriam Castellanos, said the data would shape the next regional transportation plan. “The survey tells us where people are actually going, not where we assumed they would go,” she said. “Right now it is telling us that we are building homes faster than we are building the ways to get from them to work.”

[^1]: Regional Transportation Planning Agency, *Household Travel Survey*, public-use microdata; analysis by Atlas News.
""",
        "correction": None,
    },
]
