/**
 * The founding documents (shared/seeds/000_84f3dbda6ba1f93a.txt): two news articles,
 * verbatim from each headline to the article's last line, photo captions and "READ ALSO" included
 * (only the page's "SHARE" / "COPY LINK" / "SHOW COMMENTS" furniture and section labels left out).
 * They carry no URL, publisher or publication date, so none is recorded.
 */
export const FRANCE_ARTICLE_BODY = `France denounces cyberattacks blamed on Moscow

Suspected Russian cyberattacks on the French presidential campaign are "unacceptable", France's foreign minister said Sunday, adding it was clear that pro-Europe candidate Emmanuel Macron was being targeted.

France denounces cyberattacks blamed on Moscow
Photo: Thomas Samson/AFP

A spokesman for Macron, who is currently riding high in the polls, has accused Moscow of being behind a flurry of cyberattacks on his campaign website and email servers over the past month.

“It's enough to see which candidates, Marine Le Pen or Francois Fillon, Russia expresses preference for in the French electoral campaign,” Foreign Minister Jean-Marc Ayrault said in an interview with Journal du Dimanche.

“Whereas Emmanuel Macron, who is pro-Europe, is being targeted by cyberattacks,” he added. “This form of interference in French democratic life is unacceptable and I denounce it.”

Le Pen, of the far-right National Front, is anti-immigration and anti-European Union, while Fillon is the conservative Republicans candidate who is pushing for closer ties with Moscow.

“Russia is the first to say that non-interference in domestic affairs is acardinal rule and I understand that. Well, France won't accept its choices being dictated to it either,” he added.

France warned Russia Wednesday against meddling in the elections, after a spokesman for Macron — the 39-year-old centrist former economy minister — pointed the finger of blame at Moscow.

The allegations come in the midst of a furore over Russia's alleged interference in the US electoral campaign that has forced out one of President Donald Trump's top aides.

US intelligence agencies had already accused Russian intelligence of hacking Democratic Party emails that embarrassed Trump's rival Hillary Clinton.

Earlier this week, Ayrault told French parliament: “After what happened inthe United States, it is our responsibility to take all steps necessary to ensure that the integrity of our democratic process is fully respected”.

German Chancellor Angela Merkel, whose country will hold a general election in September, has also voiced fears that Moscow could try to influence the vote through cyberattacks or disinformation.

A special meeting of the French Defense Council is planned next week to strengthen measures to protect against this kind of threat.`;

export const NORWAY_ARTICLE_BODY = `Norway accuses Russian hackers of parliament attack

Norway's domestic spy agency on Tuesday blamed a Russian hacker group linked to Moscow's military intelligence for a cyberattack on the Norwegian parliament earlier this year.

Norway accuses Russian hackers of parliament attack
Norway's parliament in 2013. Photo: Mike McBride/Flickr

The Norwegian intelligence agency (PST) said the likely perpetrators were the Fancy Bear collective — a group regularly accused of attacks including on the US election — but there was not enough evidence to pursue charges.

A “vast” cyberattack on August 24th gained access to the emails of some MPs and parliamentary employees, officials announced at the time, without speculating on the identity of the attackers.

Norwegian Foreign Minister Ine Eriksen Søreide later accused Russia of being behind the attack, and PST investigators have now strengthened her claims.

“The investigation shows that the network operation which the Storting (Norwegian parliament) was subjected to was part of a broader national and international campaign that has been going on since at least 2019,” PST said in a statement.

“Analyses show that it is likely that the operation was led by a cyber actor … known as APT28 or Fancy Bear. This actor has ties to GRU, Russia's military intelligence agency.”

Using a method known as a “brute force attack”, where multiple passwords and usernames are submitted with the hope of eventually getting the right combination, the hackers were able to download “sensitive” information, PST said.

“The investigation has however not yielded enough elements to bring charges,” it said in a statement.

Russia's embassy in Norway has yet to comment on the PST findings, but in October it lambasted Eriksen Søreide's accusation as “unacceptable”.

“We consider this a serious and wilful provocation, destructive for bilateral relations,” the embassy said on its Facebook page at the time.

While relations are generally good between NATO member Norway and Russia, who share a border in the Far North, several espionage cases on both sides have soured relations in recent years.

Norway's intelligence agency regularly singles out Russia as one of the country's main espionage threats alongside Iran and China.

READ ALSO: Norway accuses Russia over cyber attack on parliament`;
