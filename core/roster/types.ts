export type SubscriberStatus = 'active' | 'opted_out' | 'invalid' | 'erased';
export type Language = 'hi' | 'en';

/** A citizen known only by their BSUID (Meta withheld the number), with a consent record. */
export type UserIdInput = Omit<SubscriberInput, 'phone' | 'waId'> & { waUserId: string; waUsername?: string | null };

export interface SubscriberInput {
	phone: string;
	name?: string | null;
	language?: Language;
	policeStation?: string | null;
	block?: string | null;
	village?: string | null;
	tags?: string[];
	consentSource?: string | null;
	consentAt?: Date | string | null;
	consentEvidence?: string | null;
	waId?: string | null;
}

export interface Subscriber {
	id: number;
	districtId: number;
	phone: string | null;
	waId: string | null;
	/** Business-scoped user id (BSUID): a citizen has a phone, a BSUID or both (core/identity.ts). */
	waUserId: string | null;
	waUsername: string | null;
	name: string | null;
	language: Language;
	policeStation: string | null;
	block: string | null;
	village: string | null;
	tags: string[];
	status: SubscriberStatus;
	statusReason: string | null;
	consentSource: string | null;
	consentAt: Date | null;
	consentEvidence: string | null;
	createdAt: Date;
	updatedAt: Date;
}

export interface SegmentFilter {
	districtId?: number;
	status?: SubscriberStatus | SubscriberStatus[];
	policeStation?: string;
	block?: string;
	village?: string;
	language?: Language;
	tag?: string;
}

export type SegmentDimension = 'police_station' | 'block' | 'language' | 'tag' | 'status';
