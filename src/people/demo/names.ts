// Fictional names for the demo authority. Every person is made up by pairing a first name with a
// surname at random; the lists are common names, checked against obvious pairings with famous people.
// Heritage groups keep first names and surnames plausible together for a West Midlands borough.
function words(text: string): readonly string[] {
  return text.trim().split(/\s+/)
}

export type NameGroup = {
  weight: number
  male: readonly string[]
  female: readonly string[]
  surnames: readonly string[]
}

export const NAME_GROUPS: readonly NameGroup[] = [
  {
    weight: 78,
    male: words(`
      Jack Oliver Harry Charlie Jacob Alfie Noah Oscar Leo Thomas Archie Joshua Riley Freddie Mason Logan
      Tyler Callum Kieran Liam Ethan Dylan Lewis Connor Jamie Reece Bradley Kai Tommy Finley Harvey Ollie
      Max Louie Theo Ryan Jake Toby Alex Rory
    `),
    female: words(`
      Olivia Amelia Isla Ava Mia Ellie Lily Poppy Evie Sophie Chloe Daisy Ruby Freya Millie Holly Jessica
      Emily Megan Lacey Paige Courtney Kayleigh Leah Molly Phoebe Rosie Maisie Scarlett Harriet Niamh
      Summer Erin Bethany Amber Lola Isabelle Hannah Eliza Tilly
    `),
    surnames: words(`
      Hipkiss Davies Evans Wright Walker Roberts Taylor Green Hall Wood Baker Cooper Harris Bennett
      Cartwright Bissell Round Nock Guest Hickman Tonks Pearson Perks Bagley Fellows Timmins Hadley Jukes
      Brettell Parkes Tromans Willetts Pritchard Mills Sheldon Southall Bate Cox Webb Marsh Hodgetts Chance
      Westwood Bloomer Rudge Dunn Lowe Foley Aston Siviter
    `),
  },
  {
    weight: 10,
    male: words(`
      Mohammed Ayaan Zayn Ibrahim Yusuf Hamza Aryan Arjun Rohan Dev Kabir Arman Idris Bilal Rayyan Haris
      Sahil Vihaan Ishaan Zakariya
    `),
    female: words(`
      Aisha Zara Maryam Hafsa Inaya Amara Priya Simran Anaya Noor Safa Jasleen Kiran Alisha Hana Myra Riya
      Ayesha Sana Eshal
    `),
    surnames: words(`
      Hussain Khan Ahmed Akhtar Iqbal Mahmood Rashid Shah Patel Sandhu Johal Bains Chauhan Mistry Uddin
      Miah Rahman Bhatti Sidhu Nazir
    `),
  },
  {
    weight: 5,
    male: words(`
      Kwame Tobi Jayden Elijah Malachi Tyrese Joel Nathaniel Emmanuel Kofi Isaac Caleb Femi Jerome Darnell
    `),
    female: words(`
      Abigail Esther Naomi Chantelle Tiana Precious Blessing Ruth Zuri Imani Nia Adaeze Ifeoma Keisha Ama
    `),
    surnames: words(`
      Okafor Adeyemi Mensah Williams Brown Clarke Boateng Asante Okoro Francis Bailey Reid Stewart Osei
      Nwosu
    `),
  },
  {
    weight: 4,
    male: words(`
      Jakub Kacper Szymon Filip Mateusz Antoni Andrei Stefan Bartosz Oskar
    `),
    female: words(`
      Zuzanna Julia Maja Natalia Wiktoria Alicja Ioana Lena Hanna Elena
    `),
    surnames: words(`
      Nowak Wozniak Mazur Krawczyk Kaczmarek Popescu Ionescu Dumitru Horvath Petrov
    `),
  },
]

// Made-up school names: an uncommon first part and a place-name ending, e.g. 'Teaselcombe'.
export const SCHOOL_NAME_STARTS = words(`
  Lark Wren Fern Copper Thistle Kestrel Heron Bramble Linnet Teasel Sorrel Yarrow Fallow Gorse Starling
  Plover Amber Cobble Dunnock Elder Foxglove Juniper Merlin Nettle Otter Pipit Sedge Tansy Vetch Quill
`)
export const SCHOOL_NAME_ENDINGS = words(
  'mere dene brook gate croft ley hurst wick holme combe stead vale well bank ford',
)

export const STAFF = {
  la_admin: { username: 'admin', display_name: 'Alex Brennan' },
  send_manager: { username: 'manager', display_name: 'Morgan Oyelaran' },
  case_officer: { username: 'officer', display_name: 'Priya Chauhan' },
  panel_member: { username: 'panel', display_name: 'Tom Whitcombe' },
  finance_officer: { username: 'finance', display_name: 'Hannah Kowalczyk' },
} as const
export const SENCOS = ['Jess Ahmed', 'Daniel Marsh'] as const
