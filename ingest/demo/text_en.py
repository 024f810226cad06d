"""English headlines and leads for the demo, in wire-copy style.

TEMPLATES[kind][beat] holds (headline, lead) pairs; {slots} are filled from SLOTS, from the outlet's
home country (places.place_slots) or with numbers (corpus.compose). CLOSERS holds second sentences a
lead may gain, so two items built on one template still read differently.
"""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "gaza-mediation": {
        "general": (
            ("{mediators} push to revive Gaza ceasefire talks", "{mediators} are stepping up contacts with both sides to restart negotiations on a ceasefire in Gaza, diplomatic sources said."),
            ("Gaza truce: mediators in {venue} weigh new proposal on prisoner exchange", "Mediators in {venue} are studying amended proposals on a phased prisoner and hostage exchange as part of a Gaza ceasefire deal."),
            ("{eg_official} discusses Gaza truce efforts with {partner}", "{eg_official} discussed efforts to reach a ceasefire deal in Gaza and scale up humanitarian aid in a call with {partner}."),
            ("Aid agencies urge mediators to secure lasting Gaza ceasefire", "UN agencies called on Egyptian, Qatari and US mediators to secure a durable ceasefire so aid can reach Gaza at scale."),
            ("{qa_speaker} says Gaza mediation 'at a sensitive stage'", "A Qatari foreign ministry spokesman said Gaza ceasefire mediation with Egypt and the United States had reached a sensitive stage."),
            ("Rafah crossing: Egypt ready to send {trucks} aid trucks a day once Gaza truce holds", "Egyptian officials said convoys through the Rafah crossing could double once a ceasefire in Gaza takes hold."),
        ),
        "talks": (
            ("New round of Gaza ceasefire talks opens in {venue}", "Delegations arrived in {venue} for a new round of indirect talks on a Gaza ceasefire mediated by Egypt, Qatar and the United States."),
            ("Gaza talks in {venue} focus on hostage-prisoner swap", "Negotiators meeting in {venue} concentrated on the sequencing of a hostage and prisoner exchange, a source close to the Gaza talks said."),
            ("Hamas delegation in {venue} for Gaza truce talks", "A Hamas delegation held talks with {mediators} in {venue} on a proposed ceasefire in Gaza."),
            ("Israeli negotiators head to {venue} as Gaza mediation intensifies", "An Israeli delegation travelled to {venue}, where {mediators} are pressing for a Gaza ceasefire agreement."),
            ("{mediators} report progress in Gaza ceasefire talks", "{mediators} said talks in {venue} on a ceasefire in Gaza had made progress but that gaps remained on the withdrawal map."),
            ("Gaza ceasefire talks resume in {venue} after a week's pause", "Indirect negotiations on a Gaza ceasefire resumed in {venue}, with mediators presenting a bridging text."),
            ("CIA and Mossad chiefs expected in {venue} for Gaza talks", "Senior intelligence officials were expected in {venue} to join Gaza ceasefire talks hosted by {mediators}."),
        ),
        "truce": (
            ("Mediators announce Gaza ceasefire deal", "Egypt, Qatar and the United States announced that the parties had agreed a ceasefire in Gaza, to take effect within 24 hours."),
            ("Gaza truce takes effect as aid trucks line up at Rafah", "A ceasefire in Gaza brokered by Egypt, Qatar and the United States took effect, and aid trucks began moving through the Rafah crossing."),
            ("First hostages and prisoners freed under Gaza truce", "The first exchange of hostages and prisoners took place under the Gaza ceasefire agreement mediated by Cairo and Doha."),
            ("{partner} welcomes Gaza ceasefire, praises Egyptian and Qatari mediators", "{partner} welcomed the ceasefire in Gaza and praised the mediation of Egypt and Qatar."),
            ("Gaza truce holding on day {few}, mediators say", "The ceasefire in Gaza was holding on its {few}th day, {mediators} said, as talks on the next phase began."),
            ("Cairo to host talks on second phase of Gaza truce", "Egypt will host negotiations on the second phase of the Gaza ceasefire, including reconstruction, officials said."),
        ),
        "stall": (
            ("Gaza ceasefire talks stall over withdrawal map", "Negotiations on a Gaza ceasefire stalled over the extent of Israeli troop withdrawals, mediators in {venue} said."),
            ("Mediators voice frustration as Gaza truce talks stall", "{mediators} voiced frustration after the latest round of Gaza talks in {venue} ended without agreement."),
            ("Gaza talks deadlocked; {venue} delegations return home", "Delegations left {venue} after Gaza ceasefire talks reached deadlock, though mediators said contacts would continue."),
            ("Egypt warns of 'dangerous vacuum' as Gaza mediation falters", "Egypt's foreign ministry warned that the stalling of Gaza ceasefire talks risked further escalation."),
        ),
    },
    "us-russia-relations": {
        "general": (
            ("Kremlin says contacts with Washington continue 'at working level'", "Kremlin spokesman Dmitry Peskov said talks between Moscow and Washington continued at working level."),
            ("US extends sanctions on Russian energy firms", "The US Treasury extended sanctions on several Russian energy companies, drawing a sharp response from Moscow."),
            ("Lavrov criticises US sanctions policy", "Russian Foreign Minister Sergei Lavrov said US sanctions against Russia had failed and harmed global markets."),
            ("Russia and US swap detained citizens", "Russia and the United States exchanged detained citizens in a deal brokered by {broker}, officials said."),
            ("Moscow and Washington discuss embassy staffing", "Russian and US diplomats met in {ur_venue} to discuss restoring embassy staff levels in Moscow and Washington."),
        ),
        "announcement": (
            ("Lavrov: Moscow and Washington preparing meeting to settle differences", "Russian Foreign Minister Sergei Lavrov said Moscow and Washington were preparing a meeting aimed at resolving disputes and normalising contacts."),
            ("Russia, US prepare high-level talks, Lavrov says", "Lavrov said Russia and the United States were preparing talks on normalising relations, the first such meeting in years."),
            ("Kremlin confirms preparations for Russia-US meeting", "The Kremlin confirmed that Moscow and Washington were preparing a meeting to address disputes, after remarks by Sergei Lavrov."),
            ("White House 'open' to talks with Moscow after Lavrov remarks", "The White House said it was open to talks with Russia after Sergei Lavrov announced that a Russia-US meeting was being prepared."),
            ("Markets rally on hopes of US-Russia thaw", "The rouble firmed and oil eased after Lavrov said Moscow and Washington were preparing a meeting to settle differences."),
            ("Analysis: what a US-Russia meeting could change", "Lavrov's announcement of a planned meeting between Moscow and Washington raised hopes of a thaw; analysts say sanctions and Ukraine will dominate."),
            ("Lavrov says dialogue with Washington is 'the best path'", "Russian Foreign Minister Sergei Lavrov said direct talks with the United States were the best way to settle outstanding issues."),
            ("State Department ready to engage as Moscow signals talks", "The US State Department said it was ready for dialogue with Russia, welcoming Lavrov's comments on a meeting."),
            ("{partner} welcomes planned Russia-US meeting", "{partner} welcomed the announcement that Moscow and Washington were preparing a meeting to ease tensions."),
        ),
        "meeting": (
            ("Russian and US delegations meet in {ur_venue}", "Russian and US delegations met in {ur_venue} for talks on normalising relations, following weeks of preparation announced by Lavrov."),
            ("Lavrov and US Secretary of State hold talks in {ur_venue}", "Sergei Lavrov and the US Secretary of State held several hours of talks in {ur_venue} on restoring diplomatic contacts."),
            ("Moscow, Washington agree to restore embassy operations", "Russia and the United States agreed at talks in {ur_venue} to restore normal operations of their embassies."),
            ("Kremlin calls {ur_venue} talks with US 'constructive'", "The Kremlin described the Russia-US talks in {ur_venue} as constructive and said working groups would follow."),
            ("US-Russia talks end with plan for further meetings", "Talks between Russia and the United States in {ur_venue} ended with agreement to hold further meetings, officials said."),
        ),
    },
    "ukraine-war": {
        "general": (
            ("Ukraine reports overnight drone attack on {ua_city}", "Ukraine's air force said it shot down most of the drones Russia launched overnight at {ua_city}."),
            ("Russian forces claim capture of {ua_village} in eastern Ukraine", "Russia's defence ministry said its forces had taken the village of {ua_village} in the Donetsk region; Kyiv did not confirm."),
            ("EU agrees {bn} billion euro aid package for Ukraine", "European Union ministers agreed a new package for Ukraine worth {bn} billion euros to help it withstand Russian attacks."),
            ("Zelensky urges {ally} to speed up air defence deliveries", "Ukrainian President Volodymyr Zelensky urged {ally} to speed up deliveries of air defence systems."),
            ("Power cuts in {ua_city} after strikes on Ukraine's energy grid", "Ukrainian authorities announced rolling power cuts after Russian strikes damaged energy infrastructure."),
        ),
        "fighting": (
            ("Heavy fighting reported near {ua_city}", "Heavy fighting was reported near {ua_city} as Russian forces pressed an offensive in eastern Ukraine."),
            ("Kyiv says it repelled Russian assault in the east", "Ukraine's general staff said its troops repelled {few} Russian assaults near {ua_city}."),
            ("Russia launches largest missile barrage on Ukraine in weeks", "Russia fired dozens of missiles and drones at Ukrainian cities overnight, Kyiv said."),
        ),
        "diplomacy": (
            ("Kyiv wary as Moscow and Washington prepare talks", "Ukrainian officials said no decision on the war in Ukraine could be taken without Kyiv as Russia and the US prepared a meeting."),
            ("Zelensky: Ukraine must have a seat at any talks", "Volodymyr Zelensky said Ukraine must take part in any negotiations on ending the war with Russia."),
            ("Europeans seek role in Ukraine diplomacy", "European leaders said they wanted a role in any talks on ending the war in Ukraine after Moscow and Washington announced plans to meet."),
        ),
    },
    "iran-nuclear": {
        "general": (
            ("Iran says it remains open to nuclear diplomacy", "Iran's foreign ministry said Tehran remained open to talks on its nuclear programme if sanctions were eased."),
            ("IAEA chief calls for access to Iranian nuclear sites", "The head of the International Atomic Energy Agency called on Iran to restore inspectors' access to its nuclear sites."),
            ("US renews sanctions waiver linked to Iran nuclear file", "Washington renewed a sanctions waiver tied to the Iranian nuclear file, officials said."),
        ),
        "talks": (
            ("Iran, US hold indirect nuclear talks in {ir_venue}", "Iranian and US negotiators held indirect talks in {ir_venue} on Tehran's nuclear programme, mediated by Oman."),
            ("Araqchi: nuclear talks with US 'serious and useful'", "Iranian Foreign Minister Abbas Araqchi described the latest round of nuclear talks with the United States as serious."),
            ("Oman to host next round of Iran nuclear talks", "Oman will host a further round of indirect talks between Iran and the United States on the nuclear dispute."),
            ("Uranium enrichment limits at heart of Iran talks", "Negotiators in {ir_venue} focused on limits to Iran's uranium enrichment in exchange for sanctions relief."),
            ("European powers join push for Iran nuclear deal", "France, Britain and Germany said they supported the talks between Iran and the US on a new nuclear agreement."),
        ),
        "iaea": (
            ("IAEA report says Iran expanded enriched uranium stockpile", "A confidential IAEA report said Iran had expanded its stockpile of highly enriched uranium."),
            ("IAEA board weighs resolution on Iran", "The IAEA board of governors weighed a Western-backed resolution criticising Iran's nuclear cooperation."),
        ),
    },
    "sudan-conflict": {
        "general": (
            ("UN warns of famine risk in Sudan's {sd_region}", "UN agencies warned that parts of {sd_region} faced famine as fighting between the Sudanese army and the RSF continued."),
            ("{n} Sudanese refugees cross into Chad in a week", "About {n} Sudanese refugees fleeing the war crossed into Chad this week, the UNHCR said."),
            ("Sudan army says it regained ground near Khartoum", "The Sudanese army said it had regained positions from the Rapid Support Forces north of Khartoum."),
        ),
        "fighting": (
            ("Fighting intensifies around El Fasher", "Fighting between the Sudanese army and the Rapid Support Forces intensified around El Fasher, residents said."),
            ("RSF shelling kills {few} in El Fasher, medics say", "Shelling by the Rapid Support Forces killed at least {few} civilians in El Fasher, local medics said."),
            ("Aid blocked as siege of El Fasher tightens", "Aid groups said they could not reach El Fasher as the Sudan conflict cut the city's supply routes."),
        ),
        "talks": (
            ("Sudan's warring parties return to Jeddah talks", "Delegations of the Sudanese army and the RSF returned to talks in Jeddah mediated by Saudi Arabia and the US."),
            ("Jeddah talks on Sudan agree humanitarian corridors", "Talks in Jeddah on the war in Sudan produced an agreement on humanitarian corridors, mediators said."),
        ),
    },
    "libya-political-process": {
        "general": (
            ("UN envoy briefs Security Council on Libya", "The UN envoy for Libya told the Security Council that rival institutions must agree a path to elections."),
            ("Libya's rival governments trade accusations over central bank", "The Tripoli government and the eastern-based authorities traded accusations over control of the Central Bank of Libya."),
        ),
        "process": (
            ("UN unveils roadmap for Libya elections", "The UN mission in Libya presented a roadmap towards presidential and parliamentary elections."),
            ("Libyan rivals meet in {ly_venue} on election laws", "Delegations of Libya's House of Representatives and High Council of State met in {ly_venue} to discuss election laws."),
            ("Berlin process partners back Libya political track", "Countries in the Berlin process on Libya backed the UN-led political track towards elections."),
            ("Egypt hosts Libyan parliamentary delegations", "Cairo hosted delegations from Libya's rival legislatures for talks on a unified government and elections."),
        ),
    },
    "red-sea-shipping": {
        "general": (
            ("Shipping lines keep avoiding Red Sea route", "Major container lines said they would continue routing ships around Africa rather than through the Red Sea."),
            ("Suez Canal revenue falls as Red Sea shipping slumps", "Suez Canal Authority data showed revenue down {pct_big}% as traffic through the Red Sea stayed low."),
        ),
        "incident": (
            ("Cargo ship reports attack in the Red Sea", "A cargo ship reported being struck by a projectile off Yemen's coast in the Red Sea, the UKMTO said."),
            ("Houthis claim attack on tanker in the Red Sea", "Yemen's Houthis said they targeted a tanker in the Red Sea; the vessel's operator reported minor damage."),
            ("Insurers raise war-risk premiums for Red Sea voyages", "Marine insurers raised war-risk premiums for ships crossing the Red Sea after a series of attacks."),
            ("Naval escort repels drone attack on Red Sea convoy", "A naval escort shot down drones launched at merchant ships in the Red Sea, officials said."),
            ("Container line suspends Red Sea transits after attack", "A container shipping line suspended transits through the Red Sea and Bab el-Mandeb after an attack on one of its ships."),
        ),
    },
    "egypt-us-relations": {
        "general": (
            ("Egypt, US discuss strategic partnership", "Egyptian Foreign Minister Badr Abdelatty discussed the strategic partnership with the US Secretary of State in a phone call."),
            ("US-Egypt military exercise under way", "Egyptian and US forces began a joint military exercise, the Egyptian army spokesman said."),
        ),
        "visit": (
            ("Sisi receives senior US envoy in Cairo", "President Abdel Fattah al-Sisi received a senior US envoy in Cairo to discuss Egypt-US relations and regional security."),
            ("Egyptian foreign minister in Washington for talks", "Badr Abdelatty held talks in Washington on Egyptian-American relations and the situation in the region."),
            ("Cairo, Washington stress depth of strategic ties", "Egypt and the United States stressed the depth of their strategic relationship during talks in {eg_us_venue}."),
        ),
        "aid": (
            ("US approves military aid package for Egypt", "The US State Department approved a military aid package for Egypt worth {bn} billion dollars."),
            ("Egypt welcomes US decision on aid", "Cairo welcomed a US decision to release aid to Egypt, citing the strength of bilateral relations."),
        ),
    },
    "syria-transition": {
        "general": (
            ("Syria's interim government announces reconstruction fund", "Syria's interim government announced a fund to finance reconstruction in areas damaged by the war."),
            ("Damascus and SDF hold talks in {sy_venue} on integrating forces", "Officials in Damascus and the SDF held talks on merging the Kurdish-led forces into the Syrian state."),
            ("Refugees' return: {n} families go back to Syria in a week", "About {n} refugee families returned to Syria in the past week, the UN refugee agency said, as the transition continues."),
        ),
        "sanctions": (
            ("EU eases sanctions on Syria to support transition", "The European Union eased sanctions on Syria's banking and energy sectors to support the country's political transition."),
            ("US lifts key sanctions on Syria", "Washington lifted key sanctions on Syria, a step the interim authorities in Damascus said would speed reconstruction."),
            ("Syrian foreign minister Shaibani welcomes sanctions relief", "Asaad al-Shaibani said the easing of sanctions would help Syria's transition and reconstruction."),
        ),
        "politics": (
            ("Syria names committee to draft new constitution", "Syria's interim president Ahmed al-Sharaa named a committee to draft a permanent constitution."),
            ("Syria sets date for first parliament under transition", "Syrian authorities set a date for selecting members of a transitional parliament."),
        ),
    },
    "lebanon-israel": {
        "general": (
            ("Israeli drone strike hits car in south Lebanon", "An Israeli drone strike hit a car in south Lebanon, Lebanese state media reported."),
            ("Lebanese army deploys {n} more troops south of the Litani", "The Lebanese army said it had deployed additional troops in the south under the ceasefire with Israel."),
            ("Ceasefire monitoring committee meets in Naqoura", "The committee monitoring the ceasefire between Israel and Lebanon met in Naqoura."),
        ),
        "strikes": (
            ("Israel strikes Hezbollah sites in south Lebanon", "Israeli warplanes struck what Israel said were Hezbollah sites in south Lebanon."),
            ("Lebanon says Israeli strikes violate ceasefire", "Lebanon's government said a new wave of Israeli strikes violated the ceasefire and called on the monitoring committee to act."),
            ("Hezbollah and Israel trade fire across the border", "Hezbollah and Israel exchanged fire across the Lebanese border, the most serious flare-up in weeks."),
        ),
    },
    "oil-opec": {
        "general": (
            ("Oil prices edge {updown} on demand worries", "Brent crude futures moved {updown} {pct}% as investors weighed the outlook for demand."),
            ("Brent crude steadies near {price} dollars a barrel", "Brent crude steadied near {price} dollars a barrel after a volatile week."),
            ("Aramco keeps official selling prices for Asia unchanged", "Saudi Aramco kept its official selling prices for Asian buyers unchanged for next month."),
        ),
        "opec": (
            ("OPEC+ agrees to raise output from next month", "OPEC+ agreed to raise oil production by {kbpd} thousand barrels per day from next month."),
            ("OPEC+ ministers meet to review production policy", "OPEC+ ministers met online to review oil production policy amid weak prices."),
            ("Oil falls after OPEC+ output decision", "Oil prices fell {pct}% after OPEC+ decided to keep increasing production."),
        ),
    },
    "economy": {
        "general": (
            ("{adj} inflation eases to {rate}% in {month}", "Annual inflation in {home} slowed to {rate}% in {month}, official data showed."),
            ("Central bank holds key rate at {rate}%", "{home_cap}'s central bank kept its key interest rate unchanged at {rate}%, citing easing price pressures."),
            ("{adj} non-oil sector grows for {few}th straight month", "Business activity outside the oil sector in {home} grew for the {few}th month running, a survey showed."),
            ("Government approves {bn} billion {currency} infrastructure plan", "The cabinet in {capital} approved a {bn} billion {currency} programme of roads, ports and housing."),
            ("Tourist arrivals up {pct_big}% year on year", "Tourist arrivals in {home} rose {pct_big}% from a year earlier, the tourism ministry said."),
            ("{capital} unveils incentives for small businesses", "The government announced tax incentives and cheaper credit for small and medium-sized businesses."),
            ("Unemployment falls to {rate}%", "The unemployment rate in {home} fell to {rate}% in the last quarter, the statistics agency said."),
            ("{city} port handles record container volumes", "The port of {city} handled a record number of containers last month, its operator said."),
            ("Fuel prices unchanged for {month}", "The pricing committee left fuel prices unchanged for {month}."),
            ("Exports rise {pct_big}% in the first {few} months", "Non-oil exports from {home} rose {pct_big}% in the first {few} months of the year."),
            ("{city} free zone attracts {bn} billion in investments", "The free zone in {city} attracted investments of {bn} billion {currency}s this year, its authority said."),
            ("Remittances reach {bn} billion dollars", "Remittances from workers abroad reached {bn} billion dollars in the last fiscal year, central bank data showed."),
            ("Housing ministry offers {n} new units", "The housing ministry opened bookings for {n} new housing units in {city}."),
            ("IMF sees regional growth at {rate}% next year", "The IMF forecast economic growth in the Middle East and North Africa of {rate}% next year."),
            ("Oil prices steady as OPEC+ holds output", "Brent crude was little changed after OPEC+ kept its production policy unchanged."),
            ("Gold hits record as investors seek safety", "Gold prices rose to a record high, with local jewellers reporting brisk demand."),
        ),
    },
    "markets": {
        "general": (
            ("{market} closes {updown} {pct}%", "The {market} closed {updown} {pct}% with {sector} stocks leading the session."),
            ("Stocks: {market} {updown} {pct}% in thin trade", "Shares on the {market} ended {updown} {pct}% in light trading ahead of results season."),
            ("{currency} steady against the dollar", "The {currency} was stable against the US dollar in interbank trade."),
            ("{sector} shares lift {market}", "Gains in {sector} shares lifted the {market}, which ended {pct}% higher."),
            ("Bond yields edge {updown} after central bank comments", "Government bond yields moved {updown} after central bank officials spoke on the outlook."),
            ("IPO of {company} oversubscribed {few} times", "The initial public offering of {company} was oversubscribed {few} times, its lead manager said."),
        ),
    },
    "politics": {
        "general": (
            ("{parliament} approves {year} budget", "The {parliament} approved the state budget for {year} after a {few}-day debate."),
            ("Cabinet reshuffle: {few} new ministers sworn in", "{few} new ministers were sworn in in {capital} in a limited cabinet reshuffle."),
            ("{parliament} passes new labour law", "Lawmakers in the {parliament} passed an amended labour law covering private-sector contracts."),
            ("Prime minister inaugurates new hospital in {city}", "The prime minister inaugurated a {n}-bed hospital in {city}."),
            ("Municipal elections set for {month}", "The electoral commission set municipal elections for {month}."),
            ("{capital} launches digital services for citizens", "The government launched an online portal offering {n} public services."),
            ("Anti-corruption authority refers {few} officials to prosecutors", "The anti-corruption authority referred {few} officials to prosecutors over procurement irregularities."),
            ("New metro line opens in {capital}", "A new metro line opened in {capital}, with {few} stations in its first phase."),
            ("Interior ministry announces new traffic rules", "New traffic rules including higher fines for speeding take effect next month."),
            ("Education ministry sets exam timetable", "The education ministry announced the timetable for secondary school exams."),
            ("{ministry} unveils {year} plan", "The {ministry} presented its plan for {year}, including {n} new projects."),
            ("{ministry} to hire {n} staff", "The {ministry} said it would recruit {n} staff over the coming months."),
            ("Governor of {city} orders review of building permits", "The governor of {city} ordered a review of building permits issued over the past {few} years."),
            ("{n} new schools to open in {city} next term", "Authorities said {n} new schools would open in {city} at the start of next term."),
            ("Court upholds sentences in {city} fraud case", "An appeals court in {city} upheld prison sentences for {few} defendants in a fraud case."),
            ("{capital} water works to cut supply in {few} districts", "Water supply will be interrupted in {few} districts of {capital} for maintenance."),
        ),
    },
    "sport": {
        "general": (
            ("{club} beat {club2} {score} in {league}", "{club} beat {club2} {score} in the {league} to close the gap at the top."),
            ("{club} held to {draw} draw by {club2}", "{club} were held to a {draw} draw by {club2} in the {league}."),
            ("{club} sack coach after poor run", "{club} dismissed their head coach after {few} matches without a win."),
            ("{club} sign striker on {years}-year deal", "{club} announced the signing of a striker on a {years}-year contract."),
            ("Derby day: {club} edge {club2}", "{club} edged {club2} {score} in a tense derby."),
            ("Cup draw pairs {club} with {club2}", "The cup draw set up a meeting between {club} and {club2} in the next round."),
            ("Marathon in {capital} draws {n} runners", "More than {n} runners took part in the annual marathon in {capital}."),
            ("{adj} national team names {squad}-man squad for qualifiers", "The {adj} national coach named a {squad}-man squad for the coming World Cup qualifiers."),
            ("{adj} swimmer sets national record", "A swimmer set a national record in the 200m freestyle at an international meet."),
        ),
    },
    "weather": {
        "general": (
            ("{weather_head} forecast for {capital}", "Forecasters said {capital} could see {weather_lead} with temperatures around {temp}°C."),
            ("Weather: {weather_lead} expected this weekend", "The meteorological office expects {weather_lead} this weekend, with highs near {temp}°C."),
            ("Authorities warn drivers as {weather_lead} hits {city}", "Police urged drivers in {city} to take care as {weather_lead} reduced visibility."),
            ("Temperatures to reach {temp}°C in {city}", "Temperatures will climb to {temp}°C in {city} over the coming days, forecasters said."),
        ),
    },
    "culture": {
        "general": (
            ("{capital} book fair opens with {n} publishers", "The international book fair in {capital} opened with {n} publishers from {few} countries."),
            ("Film festival in {city} announces line-up", "The film festival in {city} announced {few} films in its official competition."),
            ("{capital} national museum reopens after {few}-year restoration", "The national museum in {capital} reopened after a {few}-year restoration."),
            ("Archaeologists unveil new finds", "Archaeologists presented finds from an excavation season near {city}."),
            ("Concert series returns to {capital}", "A summer concert series returns to {capital} with {few} evenings of performances."),
            ("Novelist wins regional fiction prize", "A debut novelist won a regional fiction prize for a book set in {city}."),
            ("Heritage festival draws crowds in {city}", "Thousands visited a heritage festival in {city} featuring crafts and music."),
            ("Theatre festival in {capital} stages {few} premieres", "The theatre festival in {capital} opens with {few} premieres by young companies."),
            ("Orchestra marks anniversary with concert in {city}", "The national orchestra played to a full house in {city} to mark its {few}0th anniversary."),
            ("Exhibition of {n} manuscripts opens in {capital}", "An exhibition of {n} rare manuscripts opened at the national library in {capital}."),
        ),
    },
    "world": {
        "general": (
            ("Earthquake of magnitude {mag} strikes off {far}", "An earthquake of magnitude {mag} struck off the coast of {far}, with no immediate reports of damage."),
            ("{far} holds general election", "Voters in {far} went to the polls in a general election, with results expected within days."),
            ("Floods force thousands from homes in {far}", "Heavy rain caused flooding in {far}, forcing thousands to leave their homes."),
            ("{far} and the EU sign trade agreement", "{far} and the European Union signed a trade agreement after {few} years of talks."),
            ("Wildfires rage in {far}", "Firefighters in {far} battled wildfires fanned by strong winds."),
            ("{far} central bank cuts rates by {bp} basis points", "The central bank of {far} cut its main interest rate by {bp} basis points, citing slowing growth."),
            ("Train collision in {far} injures {n}", "A collision between two passenger trains in {far} injured about {n} people, officials said."),
            ("{far} unveils {bn} billion dollar stimulus", "The government of {far} announced a stimulus package worth {bn} billion dollars."),
            ("Strike grounds flights in {far}", "A strike by air traffic controllers in {far} forced the cancellation of hundreds of flights."),
            ("Volcano erupts in {far}, flights diverted", "A volcano erupted in {far}, sending ash several kilometres into the sky and disrupting flights."),
            ("{far} launches first earth-observation satellite", "{far} launched its first earth-observation satellite, its space agency said."),
            ("Heatwave grips {far}", "Temperatures passed 40°C across much of {far}, prompting health warnings."),
            ("{far}'s prime minister survives confidence vote", "The prime minister of {far} survived a confidence vote in parliament by {few} votes."),
            ("Leaders of {far} and {far2} agree to boost trade", "The leaders of {far} and {far2} agreed to expand trade and investment ties at a meeting in {far2}."),
            ("China's exports up {pct_big}%, beating forecasts", "China's exports rose {pct_big}% from a year earlier, beating forecasts."),
            ("WHO reports rise in measles cases in {far}", "The World Health Organization reported a rise in measles cases in {far} and neighbouring countries."),
        ),
    },
}

SLOTS: dict[str, tuple[str, ...]] = {
    "mediators": ("Egyptian and Qatari mediators", "Mediators from Egypt, Qatar and the US", "Egypt and Qatar",
                  "Cairo and Doha"),
    "venue": ("Cairo", "Doha", "Cairo", "Doha", "Sharm el-Sheikh"),
    "eg_official": ("Egyptian Foreign Minister Badr Abdelatty", "President Abdel Fattah al-Sisi",
                    "Egypt's intelligence chief"),
    "partner": ("the UN Secretary-General", "the French President", "Jordan's King Abdullah", "the British Foreign Secretary",
                "Turkish President Erdogan", "the German Chancellor", "Saudi Arabia's foreign minister"),
    "broker": ("the UAE", "Türkiye", "Saudi Arabia"),
    "ur_venue": ("Riyadh", "Istanbul", "Riyadh"),
    "ua_city": ("Kharkiv", "Zaporizhzhia", "Odesa", "Pokrovsk", "Dnipro", "Sumy"),
    "ir_venue": ("Muscat", "Rome", "Muscat", "Geneva"),
    "ly_venue": ("Cairo", "Tunis", "Geneva", "Bouznika"),
    "eg_us_venue": ("Cairo", "Washington"),
    "month": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"),
    "updown": ("up", "down", "up"),
    "sector": ("banking", "real estate", "telecom", "petrochemical", "industrial", "consumer"),
    "company": ("a regional food retailer", "a logistics group", "a state-owned utility", "a private hospital chain",
                "a fintech company"),
    "draw": ("1-1", "0-0", "2-2"),
    "weather_head": ("Dust storm", "Heavy rain", "Strong winds", "Heatwave", "Thick fog", "Thunderstorms"),
    "weather_lead": ("a dust storm", "heavy rain", "strong winds", "a heatwave", "thick morning fog",
                     "thunderstorms"),
    "ministry": ("health ministry", "housing ministry", "transport ministry", "education ministry", "ministry of industry",
                 "ministry of social affairs", "ministry of tourism", "ministry of agriculture"),
    "ua_village": ("Novoselivka", "Andriivka", "Torske", "Bilohorivka", "Myrne", "Zelene Pole"),
    "ally": ("allies", "Germany", "the United States", "European allies", "Britain"),
    "qa_speaker": ("Qatar", "Qatari foreign ministry", "Qatar's prime minister", "Doha"),
    "sy_venue": ("Hasakah", "Aleppo", "Raqqa", "Damascus"),
    "sd_region": ("Darfur", "North Darfur", "South Kordofan", "El Fasher"),
    "far": ("Indonesia", "Japan", "Chile", "Peru", "the Philippines", "Mexico", "Brazil", "India", "Kenya",
            "Argentina", "Australia", "Canada", "Portugal", "Greece"),
}

CLOSERS: dict[str, tuple[str, ...]] = {
    "gaza-mediation": ("Talks are expected to continue in the coming days.", "Humanitarian agencies say needs in Gaza remain enormous.",
                       "Neither side commented publicly.", "Mediators have held several rounds this year."),
    "us-russia-relations": ("Relations between Moscow and Washington have been strained for years.",
                            "No date has been announced.", "Sanctions and the war in Ukraine remain the main obstacles."),
    "ukraine-war": ("The claims could not be independently verified.", "The war is now in its fourth year."),
    "iran-nuclear": ("Western states accuse Iran of seeking a weapons capability, which Tehran denies.",),
    "sudan-conflict": ("The war between the army and the RSF has displaced millions.",),
    "libya-political-process": ("Libya has been divided between rival administrations for years.",),
    "red-sea-shipping": ("Traffic through the Suez Canal has fallen sharply since the attacks began.",),
    "egypt-us-relations": ("Egypt is one of the largest recipients of US aid.",),
    # Everyday strands get no closers: a generic second sentence rarely fits every headline.
}

# How desks dress up a topic headline; weights are relative frequencies.
FRAMES: tuple[tuple[str, int], ...] = (("{h}", 12), ("{h} – sources", 1), ("{h}: report", 1), ("{h}, diplomats say", 1),
                                        ("Exclusive: {h}", 1))
